"""Records and Riwayat entries as spreadsheet cells, the same on every backend.

A record's Mulai is kept as ISO 8601 text with its offset, so it survives any
backend's date representation exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sop_models import DONE, Position
from syncer.cells import text_of
from syncer.contract import RIWAYAT_COLUMNS, STATE_COLUMNS, column_map
from syncer.engine import EntryKind, HistoryEntry, Record

SAME = "*"
"""Claim field: the claim equals the sidik (a new ID not yet seen on its row), written short."""
SEP = "|"
REJECTED_SEP = "\n"
REJECTED_MARK = "ditolak"
"""Riwayat's Keterangan of a rejected attempt starts with this word (DESIGN §2)."""


def _position_cell(position: Position | None) -> object:
    """A position as a cell: a step number, ``Selesai``, or blank."""
    if position is None:
        return ""
    return position if isinstance(position, int) else str(position)


def _position(value: object) -> Position | None:
    """A cell back as a position (None when blank); ValueError when it is neither."""
    if isinstance(value, str) and value.isascii() and value.isdigit():  # most cells
        return int(value)
    text = text_of(value)
    if text == "":
        return None
    if text.casefold() == str(DONE).casefold():
        return DONE
    return int(text)


def local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """An instant as the naive local date-time a sheet cell shows."""
    if moment is None:
        return None
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


def record_cells(record: Record) -> list[object]:
    """A record as two cells, ID and Rekaman (STATE_COLUMNS).

    Rekaman packs ``prosedur|langkah|mulai|dari|sidik|klaim|ditolak`` into one
    text cell: a first sync of a large sheet writes one record per document,
    and every cell costs about 40 bytes of envelope on Google. Ditolak comes
    last and may hold anything.
    """
    claim = SAME if record.claim and record.claim == record.sidik else record.claim
    fields = [
        record.procedure,
        str(_position_cell(record.step)),
        record.since.isoformat(timespec="seconds"),
        "" if record.came_from is None else str(record.came_from),
        record.sidik,
        claim,
        REJECTED_SEP.join(a.replace(REJECTED_SEP, " ") for a in record.rejected),
    ]
    return [record.id, SEP.join(fields)]


def read_records(headers: Sequence[object], rows: Sequence[Sequence[object]]) -> dict[str, Record]:
    """Records from the state tab; unreadable rows are skipped (Riwayat can rebuild them)."""
    cols = column_map(headers)
    id_col, data_col = (cols.get(name.casefold()) for name in STATE_COLUMNS)
    records: dict[str, Record] = {}
    if id_col is None or data_col is None:
        return records
    for row in rows:
        packed = row[data_col] if max(id_col, data_col) < len(row) else None
        if not isinstance(packed, str):
            continue
        fields = packed.split(SEP, 6)
        if len(fields) != 7:
            continue
        procedure, step, since, came_from, sidik, claim, rejected = fields
        try:
            position = _position(step)
            source = _position(came_from)
            record = Record(
                id=text_of(row[id_col]),
                procedure=procedure,
                step=position if position is not None else 1,
                since=datetime.fromisoformat(since),
                came_from=source if isinstance(source, int) else None,
                rejected=tuple(rejected.split(REJECTED_SEP)) if rejected else (),
                sidik=sidik,
                claim=sidik if claim == SAME else claim,
            )
        except (ValueError, TypeError):
            continue
        if record.id and record.since.tzinfo is not None:
            records[record.id] = record
    return records


def history_cells(entry: HistoryEntry, zone: ZoneInfo) -> list[object]:
    """Cells of a Riwayat row, in RIWAYAT_COLUMNS order (date-times as local naive)."""
    return [
        local(entry.when, zone),
        entry.id,
        entry.procedure,
        _position_cell(entry.source),
        _position_cell(entry.target),
        entry.actor,
        local(entry.due, zone),
        entry.note,
    ]


def read_history(
    headers: Sequence[object], rows: Sequence[Sequence[object]], zone: ZoneInfo
) -> list[HistoryEntry]:
    """Riwayat rows back as entries (the ledger to rebuild records from)."""
    cols = column_map(headers)
    index = [cols.get(name.casefold()) for name in RIWAYAT_COLUMNS]
    entries: list[HistoryEntry] = []
    for row in rows:
        values = [row[i] if i is not None and i < len(row) else None for i in index]
        when, doc_id, procedure, source, target, actor, due, note = values
        if not isinstance(when, datetime) or not text_of(doc_id):
            continue
        try:
            goes_to = _position(target)
        except ValueError:
            continue
        text = text_of(note)
        rejected = goes_to is None or text.casefold().startswith(REJECTED_MARK)
        try:
            came_from = _position(source)
        except ValueError:
            if not rejected:
                continue
            came_from = None
        entries.append(
            HistoryEntry(
                when=when.replace(tzinfo=zone) if when.tzinfo is None else when,
                id=text_of(doc_id),
                procedure=text_of(procedure),
                source=came_from,
                target=None if rejected else goes_to,
                actor=text_of(actor),
                due=None,
                note=text,
                kind=EntryKind.REJECTED if rejected else EntryKind.ACCEPTED,
            )
        )
    return entries


__all__ = [
    "RIWAYAT_COLUMNS",
    "STATE_COLUMNS",
    "history_cells",
    "local",
    "read_history",
    "read_records",
    "record_cells",
]
