"""The sheet contract (DESIGN §2): tab names, headers and status values.

Columns are found by header text, trimmed and case-insensitive, so staff may
reorder them and add their own anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from operator import itemgetter

from sop_models import DONE
from sop_models.idtime import CELL_FORMAT

DOKUMEN = "Dokumen"
RIWAYAT = "Riwayat"
KINERJA = "Kinerja"
STATE = "_sopsync"
"""The worker's own record of each document's last accepted state, keyed by ID.

A separate tab (hidden, protected) rather than a column of Dokumen: whatever
staff do to Dokumen rows (sort all or some columns, insert, delete), a record
stays with its document because it is found by the document's ID, never by
position. Riwayat is the ledger it can be rebuilt from.
"""

ID, PROSEDUR, JUDUL, LANGKAH, CATATAN = "ID", "Prosedur", "Judul", "Langkah", "Catatan"
STAFF_COLUMNS = (ID, PROSEDUR, JUDUL, LANGKAH, CATATAN)

KEGIATAN, PELAKSANA, MULAI, TENGGAT, STATUS, PESAN = (
    "Kegiatan",
    "Pelaksana",
    "Mulai",
    "Tenggat",
    "Status",
    "Pesan",
)
WORKER_COLUMNS = (KEGIATAN, PELAKSANA, MULAI, TENGGAT, STATUS, PESAN)
DATE_COLUMNS = (MULAI, TENGGAT)

RIWAYAT_COLUMNS = ("Waktu", "ID", "Prosedur", "Dari", "Ke", "Pelaksana", "Tenggat", "Keterangan")
STATE_COLUMNS = ("ID", "Rekaman")
META_COLUMNS = ("Kunci", "Nilai")
"""The state tab's key→value area, beside the records (``syncer.meta``)."""

SELESAI = DONE.value
"""How Selesai is written in a cell."""
DATE_FORMAT = CELL_FORMAT
"""Date-time cells display ``01/12/2026 09.00`` (DESIGN §2)."""


class Status(StrEnum):
    BERJALAN = "Berjalan"
    HAMPIR_TENGGAT = "Hampir tenggat"
    TERLAMBAT = "Terlambat"
    TIDAK_VALID = "Tidak valid"
    SELESAI = "Selesai"


STATUS_COLOURS: dict[Status, str] = {
    Status.TIDAK_VALID: "F4C7C3",  # red
    Status.TERLAMBAT: "FCE5CD",  # orange
    Status.HAMPIR_TENGGAT: "FFF2CC",  # yellow
    Status.SELESAI: "D9EAD3",  # green-grey
}


def header_key(text: object) -> str:
    return str(text if text is not None else "").strip().casefold()


def column_map(headers: Sequence[object]) -> dict[str, int]:
    """Header key -> 0-based column index; the first of duplicate headers wins."""
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        if key and key not in found:
            found[key] = index
    return found


def column_letter(index: int) -> str:
    """A 0-based column index as its letters (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def missing_columns(headers: Sequence[object], wanted: Sequence[str]) -> list[str]:
    present = column_map(headers)
    return [name for name in wanted if header_key(name) not in present]


def cells_of(index: Sequence[int]) -> Callable[[Sequence[object]], tuple[object, ...]]:
    """A row's cells at the columns ``index`` (None past its end: a sheet trims empty
    trailing cells)."""
    if len(index) < 2:
        raise ValueError("cells_of takes two or more columns")
    full = itemgetter(*index)
    width = max(index) + 1

    def take(values: Sequence[object]) -> tuple[object, ...]:
        if len(values) >= width:
            picked: tuple[object, ...] = full(values)  # two or more indices: a tuple
            return picked
        return tuple(values[i] if i < len(values) else None for i in index)

    return take
