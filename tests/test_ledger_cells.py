"""Records and Riwayat rows as cells: what equal moments are written as."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from syncer.cells import local
from syncer.engine import HistoryEntry, Record
from syncer.ledger import history_cells, record_cells

JAKARTA, UTC, NEW_YORK = ZoneInfo("Asia/Jakarta"), ZoneInfo("UTC"), ZoneInfo("America/New_York")


def test_equal_moments_are_each_written_as_they_are():
    """One instant in two zones, one wall time twice (a fold): equal, not written alike."""
    nine = datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA)
    twice = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)
    moments = [nine, nine.astimezone(UTC), twice, twice.replace(fold=1)]
    assert moments[0] == moments[1] and moments[2] == moments[3]
    for order in (moments, moments[::-1]):
        for moment in order:
            record = Record(id="RKA-1", procedure="rka", step=2, since=moment)
            assert moment.isoformat(timespec="seconds") in record_cells(record)[1].split("|")
            entry = HistoryEntry(moment, "RKA-1", "rka", 1, 2, "Camat", moment, "")
            cells = history_cells(entry, JAKARTA)
            assert cells[0] == cells[6] == local(moment, JAKARTA)
