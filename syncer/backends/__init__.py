"""Backends move cells between a spreadsheet and the cycle; they decide nothing.

Every backend reads a whole cycle's input in one go (``read``) and writes a
whole cycle's output in one go (``write``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from syncer.engine import HistoryEntry, Record, Rules
from syncer.views import Grid


class BackendError(Exception):
    """The sheet could not be read or written; the message is one line for admins."""


class Misconfigured(BackendError):
    """The backend's settings cannot work (a workbook path in no folder, a missing key file):
    bad configuration, not a fault of the sheet. ``sync`` exits 2; ``run`` keeps trying,
    as the admin may fix it meanwhile."""


class NeedsInit(BackendError):
    """A tab or worker column is missing: ``init`` (which ``sync`` runs itself) creates it."""


class Busy(BackendError):
    """Another program holds the sheet (open in Excel/LibreOffice, another worker)."""


class Changed(Busy):
    """The sheet changed between this cycle's read and its write; nothing was written."""

    retry_after: float = 0.0
    """Seconds to wait before reading it again (0: at once, the change is complete)."""


@dataclass
class Snapshot:
    """One read of the sheet."""

    headers: list[object]
    """Dokumen row 1."""
    rows: list[list[object]]
    """Dokumen rows 2.. as values (text, numbers, booleans, naive local date-times, None)."""
    records: dict[str, Record]
    """The worker's records by ID (empty when the state tab is new or was lost)."""
    ledger_has_entries: bool = False
    """Riwayat has at least one entry: with no records, they are rebuilt from it."""
    tabs: dict[str, list[list[object]] | None] = field(default_factory=dict)
    """Values of the worker's own tabs (Ringkasan, SOP); None when a tab is missing."""


@dataclass(frozen=True, slots=True)
class CellWrite:
    row: int
    """0-based index into ``Snapshot.rows``."""
    column: str
    value: object


@dataclass
class Changes:
    """One write: worker cells and blank IDs, upserted records, appended Riwayat rows."""

    cells: list[CellWrite] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    tabs: dict[str, Grid] = field(default_factory=dict)
    """Worker tabs to rewrite whole (Ringkasan, SOP)."""
    choices: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Row index -> the rows of the SOP tab whose steps its Langkah dropdown offers."""

    def __bool__(self) -> bool:
        return bool(self.cells or self.records or self.history or self.tabs or self.choices)


class Backend(Protocol):
    target: str
    """What is synced, for logs and the lock: a path or a spreadsheet id."""

    def init(self, rules: Rules) -> list[str]:
        """Create or upgrade tabs, columns and formatting; say what was done."""
        ...

    def read(self) -> Snapshot: ...

    def read_history(self) -> list[HistoryEntry]:
        """Every Riwayat entry (only to rebuild lost records: an extra read)."""
        ...

    def write(self, changes: Changes) -> None: ...
