"""Backends move cells between a spreadsheet and the cycle; they decide nothing.

Every backend reads a whole cycle's input in one go (``read``) and writes a
whole cycle's output in one go (``write``). What the write needs from the read
(where rows are, the sheet's ids) travels explicitly, as the snapshot's
``basis``: a backend keeps nothing between calls but its connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from syncer.contract import column_letter, header_key
from syncer.engine import HistoryEntry, Record, Rules
from syncer.layout import Tab, header_places, missing, required
from syncer.views import Grid


class BackendError(Exception):
    """The sheet could not be read or written; the message is one sentence for admins."""


class Misconfigured(BackendError):
    """The backend's settings cannot work (a workbook path in no folder, a missing key file):
    bad configuration, not a fault of the sheet. ``sync`` exits 2; ``run`` keeps trying,
    as the admin may fix it meanwhile."""


class NeedsInit(BackendError):
    """A tab, a worker column or the worker's cache is missing: ``init`` (which ``sync``
    runs itself) brings the sheet to the layout."""


class HeadersMoved(BackendError):
    """A tab's header row is no longer row 1 (staff inserted a title above it): init would
    write the headers over the staff's row, so nothing is read or written until it is back."""


def require_headers(tab: Tab, rows: Sequence[Sequence[object]]) -> None:
    """NeedsInit when ``tab`` lacks a column init adds; HeadersMoved when its header row
    is further down (row 1 holds none of the tab's headers, a row below some of them)."""
    lacking = missing(tab, list(rows[0]) if rows else [])
    if not lacking:
        _refuse_doubled(tab, rows[0])
        return
    _refuse_moved(tab, rows)
    raise NeedsInit(f"tab {tab.title} has no column {', '.join(lacking)}")


def _refuse_moved(tab: Tab, rows: Sequence[Sequence[object]]) -> None:
    """HeadersMoved when row 1 holds none of ``tab``'s headers and a row below at least two:
    staff inserted a title (or a blank row) above them, and init would write its headers
    beside the title and the worker read the header row as a document."""
    known = {header_key(header) for header in tab.headers}
    if not rows or known & {header_key(value) for value in rows[0]}:
        return
    for number, row in enumerate(rows[1:HEADER_SEARCH], start=2):
        if len(known & {header_key(value) for value in row}) >= 2:
            raise HeadersMoved(
                f"tab {tab.title}: its headers are in row {number}, not row 1: delete"
                " the rows above them (nothing was written)"
            )


MAX_COLUMNS = 16_384
"""Columns a workbook can have (XFD); a Google sheet can have more, but no office needs them."""


def places_for_headers(
    tab: Tab, headers: Sequence[object], below: Sequence[Sequence[object]]
) -> list[tuple[int, str]]:
    """``layout.header_places`` for the header row ``headers`` and the rows ``below`` it,
    refused (HeadersMoved) when the headers are further down or a column the worker uses is
    there twice, and when a new column would not fit in the sheet (a header typed in its
    very last column)."""
    _refuse_moved(tab, [headers, *below])
    _refuse_doubled(tab, headers)
    places = header_places(tab, headers)
    beyond = [name for index, name in places if index >= MAX_COLUMNS]
    if beyond:
        raise BackendError(
            f"tab {tab.title}: no room after its last header, in column"
            f" {column_letter(len(headers) - 1)}, for the columns {', '.join(beyond)}: clear"
            " the headers at the far right (nothing was written)"
        )
    return places


def _refuse_doubled(tab: Tab, headers: Sequence[object]) -> None:
    """HeadersMoved when a column the worker reads or writes is there twice: staff would
    edit one while the worker reads (or writes) the other."""
    places: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        places.setdefault(header_key(header), []).append(index)
    for column in required(tab):
        found = places.get(header_key(column.header), [])
        if len(found) > 1:
            letters = " and ".join(column_letter(i) for i in found)
            raise HeadersMoved(
                f"tab {tab.title} has {len(found)} columns {column.header} ({letters}):"
                " rename or delete all but one (nothing was written)"
            )


HEADER_SEARCH = 10
"""How far down a tab a header row moved by hand is looked for."""


class Busy(BackendError):
    """Another program holds the sheet (open in Excel/LibreOffice, another worker)."""


class Replan(BackendError):
    """The write may or may not have landed, or the sheet moved under it: read again and
    plan again (at the same clock), then write what is still missing."""


class WriteUncertain(Replan):
    """A write whose answer was lost (a timeout, a dropped connection, a 5xx): it may
    have been applied. It is never sent again blindly."""


class Changed(Busy, Replan):
    """The sheet changed between this cycle's read and its write; nothing was written."""

    retry_after: float = 0.0
    """Seconds to wait before reading it again (0: at once, the change is complete)."""


@dataclass(frozen=True, slots=True)
class Table:
    """An admin tab as read: its header row and its rows of values (dates as date-times)."""

    headers: list[object]
    rows: list[list[object]]


@dataclass
class Snapshot:
    """One read of the sheet."""

    headers: list[object]
    """Dokumen row 1."""
    rows: list[list[object]]
    """Dokumen rows 2.. as values (text, numbers, booleans, naive local date-times, None or
    "" for empty)."""
    records: dict[str, Record]
    """The worker's readable records by ID (empty when the state tab is new or was lost)."""
    basis: object
    """What this backend's ``write`` needs from this read (opaque to the cycle)."""
    record_ids: frozenset[str] = frozenset()
    """IDs that have a row in the state tab, readable or not."""
    unreadable: frozenset[str] = frozenset()
    """IDs whose record is damaged: rebuilt from Riwayat."""
    ledger_has_entries: bool = False
    """Riwayat has at least one entry."""
    meta: dict[str, str] = field(default_factory=dict)
    """The state tab's key→value area (``syncer.meta``)."""
    tables: dict[str, Table] = field(default_factory=dict)
    """Admin tabs by title (Pegawai, Kalender), uninterpreted."""
    history: list[HistoryEntry] | None = None
    """Every Riwayat entry, when the read asked for it (``full_history=True``)."""
    history_unreadable: tuple[int, ...] = ()
    """Riwayat rows (sheet row numbers) that are not blank but hold no readable entry."""
    blank_tabs: frozenset[str] = frozenset()
    """Worker tabs found empty (made anew): rewritten whatever their digest says."""


@dataclass(frozen=True, slots=True)
class CellWrite:
    """One Dokumen cell the worker writes."""

    row: int
    """0-based index into ``Snapshot.rows``."""
    column: str
    value: object


@dataclass
class Changes:
    """One write: worker cells and blank IDs, upserted records, appended Riwayat rows,
    worker tabs, admin tabs' Pesan cells and the state tab's key→value area."""

    cells: list[CellWrite] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    tabs: dict[str, Grid] = field(default_factory=dict)
    """Worker tabs to rewrite whole (Ringkasan, SOP, …)."""
    choices: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Row index -> the rows of the SOP tab whose steps its Langkah dropdown offers."""
    pesan: dict[str, dict[int, str]] = field(default_factory=dict)
    """Admin tab -> row index (into its ``Table.rows``) -> its Pesan text ("" to clear)."""
    meta: dict[str, str | None] = field(default_factory=dict)
    """Keys of the state tab's key→value area to set (None: to remove)."""

    def __bool__(self) -> bool:
        return bool(
            self.cells
            or self.records
            or self.history
            or self.tabs
            or self.choices
            or self.pesan
            or self.meta
        )


class Backend(Protocol):
    target: str
    """What is synced, for logs and the lock: a path or a spreadsheet id."""

    def init(self, rules: Rules) -> list[str]:
        """Bring the sheet to the layout (``syncer.layout``); say what was added or repaired."""
        ...

    def read(self, full_history: bool = False) -> Snapshot:
        """The cycle's one read; with ``full_history`` Riwayat comes too (``Snapshot.history``)."""
        ...

    def write(self, changes: Changes, basis: object) -> None:
        """The cycle's one write (on Google, more only past 2 MB), on what ``basis`` was read."""
        ...
