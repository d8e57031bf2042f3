"""What a cycle counts of its rows: rows per status, late and invalid documents, and
Ringkasan's tables, kept row by row.

A cycle that decides every row adds every row; a ``run`` that keeps its last cycle
(``syncer.last_cycle``) takes away the rows it decides again and adds their new outcomes,
so that both count exactly the same.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sop_models import Procedure
from syncer.cells import text_of
from syncer.contract import Status
from syncer.engine import Outcome, Rules, StaffRow

NO_ACTOR = "(tanpa pelaksana)"
FINISHED = "(selesai)"
UNKNOWN_PROCEDURE = "(prosedur tidak dikenal)"
NEEDS_ATTENTION = (Status.TIDAK_VALID, Status.TERLAMBAT)


@dataclass(frozen=True)
class Attention:
    """A row a supervisor should look at: invalid or late."""

    row: int
    id: str
    status: Status
    pesan: str
    late: bool = False
    """Past its Tenggat: Terlambat, or Tidak valid and late all the same."""


@dataclass(frozen=True, slots=True)
class LateRow:
    """A late document as Ringkasan lists it."""

    due: datetime
    row: StaffRow
    outcome: Outcome


@dataclass
class Tally:
    """The counts of a sheet's rows, by row index."""

    statuses: Counter[Status] = field(default_factory=Counter)
    late: Counter[Status] = field(default_factory=Counter)
    """Late documents by the status their row shows: Terlambat, or Tidak valid and late."""
    by_actor: dict[str, Counter[Status]] = field(default_factory=dict)
    by_procedure: dict[str, Counter[Status]] = field(default_factory=dict)
    late_rows: dict[int, LateRow] = field(default_factory=dict)
    attention: dict[int, Attention] = field(default_factory=dict)

    def add(self, rules: Rules, index: int, row: StaffRow, outcome: Outcome) -> None:
        cells = outcome.cells
        status = cells.status
        if status is None:
            return
        self._count(rules, row, outcome, status, 1)
        if cells.late and cells.tenggat is not None:
            self.late_rows[index] = LateRow(cells.tenggat, row, outcome)
        if status in NEEDS_ATTENTION:
            doc_id = outcome.new_id or (outcome.record.id if outcome.record else text_of(row.id))
            self.attention[index] = Attention(row.row, doc_id, status, cells.pesan, cells.late)

    def remove(self, rules: Rules, index: int, row: StaffRow, outcome: Outcome) -> None:
        """Take away what :meth:`add` counted for this row (same rules, row and outcome)."""
        cells = outcome.cells
        status = cells.status
        if status is None:
            return
        self._count(rules, row, outcome, status, -1)
        if cells.late and cells.tenggat is not None:
            del self.late_rows[index]
        if status in NEEDS_ATTENTION:
            del self.attention[index]

    def _count(self, rules: Rules, row: StaffRow, outcome: Outcome, status: Status, n: int) -> None:
        """Count a row ``n`` times (-1: take it away) by status, actor, SOP and lateness."""
        cells = outcome.cells
        _bump(self.statuses, status, n)
        actor = cells.pelaksana or (FINISHED if status is Status.SELESAI else NO_ACTOR)
        _bump_in(self.by_actor, actor, status, n)
        proc = _procedure_of(rules, row, outcome)
        _bump_in(self.by_procedure, proc.title if proc else UNKNOWN_PROCEDURE, status, n)
        if cells.late:
            _bump(self.late, status, n)

    def attention_rows(self) -> list[Attention]:
        """Invalid and late rows, in the sheet's order."""
        return [self.attention[i] for i in sorted(self.attention)]

    def latest_first(self) -> list[LateRow]:
        """Late documents, the earliest Tenggat (the latest document) first, then by row."""
        return [self.late_rows[i] for i in sorted(self.late_rows, key=self._due_then_row)]

    def _due_then_row(self, index: int) -> tuple[datetime, int]:
        return self.late_rows[index].due, index


def _bump(counter: Counter[Status], status: Status, n: int) -> None:
    count = counter[status] + n
    if count:
        counter[status] = count
    else:
        del counter[status]


def _bump_in(table: dict[str, Counter[Status]], key: str, status: Status, n: int) -> None:
    counter = table.get(key)
    if counter is None:  # not setdefault: a Counter made for every row costs more than its count
        counter = table[key] = Counter()
    _bump(counter, status, n)
    if not counter:
        del table[key]


def _procedure_of(rules: Rules, row: StaffRow, outcome: Outcome) -> Procedure | None:
    """The document's SOP: its record's, else what its row names (a new row not yet valid)."""
    if outcome.record is not None:
        return rules.catalog.procedures.get(outcome.record.procedure)
    return rules.catalog.lookup(row.prosedur) if isinstance(row.prosedur, str) else None
