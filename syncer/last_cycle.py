"""What a ``run`` keeps of a sheet's last cycle, so that the next decides only what changed.

Most rows of a busy sheet are as they were a minute ago, and so is what deciding them
gives: a row's outcome is a function of its staff cells, its document's record, the rules
(the configuration, Pegawai, Kalender, the kept SOP versions), the day, and the clock only
where its status or Pesan is due to change (``engine.steady_until``). A row is decided
again when any of these changed; the others keep their outcome, and so their share of
Ringkasan's counts (``syncer.tally``). A cycle that keeps nothing decides every row, and
both write exactly the same.

A row the last cycle wrote (its worker cells, its record, a Riwayat row) is read back
otherwise than it was read: it keeps its outcome when its staff cells are as they were
and its worker cells show what the outcome wants, and its record reads back as written.
Deciding it again would give that outcome, without the Riwayat row, which is logged once
(a second cycle at the same moment changes nothing).

A row's cells are compared with those read last time as Python compares them, which
counts ``True == 1 == 1.0``: the rows where that could hide a change (a 0 or 1, a very
large number, a TRUE/FALSE) are compared by their cells' types too.

Held between cycles, per row: the cells as read, the staff cells, the outcome, the record
it was decided on (as written), its ID and fingerprint, until when the clock leaves it
alone; and the tally. At 10,000 rows that is some 10–15 MB, about what the Dokumen part
of a read holds.
The state is taken by the cycle that uses it and given back only by a completed cycle: a
failed or dry cycle leaves the next to decide every row.
"""

from __future__ import annotations

import heapq
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import compress
from zoneinfo import ZoneInfo

from syncer import contract as c
from syncer.backends import Snapshot, Table
from syncer.cells import local, same_cell, text_of
from syncer.engine import (
    STAFF_FIELDS,
    Decisions,
    Outcome,
    Record,
    Rules,
    StaffRow,
    WorkerCells,
    fingerprint,
    staff_cells,
    staff_rows,
    steady_until,
)
from syncer.tally import Tally
from syncer.versions import PREFIX as VERSION_PREFIX


@dataclass
class Reuse:
    """What a cycle decides from: every Dokumen row as staff fill it, its fingerprint and its
    ID as text, and the outcome of the rows it need not decide again (None: decide)."""

    rows: list[StaffRow]
    prints: list[str]
    ids: list[str]
    known: list[Outcome | None]
    tally: Tally | None = None
    """The last cycle's counts, when rows are known; the cycle updates it with the rows it
    decides (``Reuse.count``)."""
    previous: _State | None = None
    renewed: list[int] = field(default_factory=list)
    """Rows read otherwise than last time that keep their outcome all the same."""
    equal: list[bool] = field(default_factory=list)
    """Rows read as last time, cell for cell and type for type."""

    @classmethod
    def nothing(cls, snapshot: Snapshot) -> Reuse:
        """A cycle that decides every row."""
        rows = staff_rows(snapshot.headers, snapshot.rows)
        return cls(
            rows,
            [fingerprint(r) for r in rows],
            [text_of(r.id) for r in rows],
            [None] * len(rows),
        )

    def count(
        self, rules: Rules, decisions: Decisions, rows: Sequence[StaffRow], fresh: Sequence[int]
    ) -> Tally:
        """The tally of the cycle's outcomes: the last one's, with the rows decided anew
        (``fresh``: :func:`decided`)."""
        outcomes = decisions.outcomes
        if self.tally is None or self.previous is None:
            tally = Tally()
            for index, (row, outcome) in enumerate(zip(rows, outcomes, strict=True)):
                tally.add(rules, index, row, outcome)
            return tally
        tally, before = self.tally, self.previous
        for index in range(len(rows), len(before.outcomes)):  # rows no longer on the sheet
            tally.remove(rules, index, before.rows[index], before.outcomes[index])
        for index in fresh:
            if index < len(before.outcomes):
                tally.remove(rules, index, before.rows[index], before.outcomes[index])
            tally.add(rules, index, rows[index], outcomes[index])
        return tally


def decided(outcomes: Sequence[Outcome], known: Sequence[Outcome | None]) -> list[int]:
    """The rows a cycle decided (the others kept the outcome known)."""
    if len(outcomes) != len(known):
        raise ValueError("an outcome for every row, known or not")
    return list(compress(range(len(outcomes)), map(operator.is_not, outcomes, known)))


@dataclass
class _State:
    """One completed cycle, as the next one needs it."""

    rules: Rules
    context: tuple[object, ...]
    now: datetime
    values: list[list[object]]
    """Dokumen rows as read."""
    types: dict[int, tuple[type, ...]]
    """The cells' types of the rows whose equality could hide a change (``_ambiguous``)."""
    rows: list[StaffRow]
    prints: list[str]
    ids: list[str]
    outcomes: list[Outcome]
    keep: list[bool]
    """Whether the row's outcome holds while nothing it depends on changes."""
    inputs: list[Record | None]
    """The record each row was decided on, as read."""
    until: list[datetime | None]
    """Until when the clock leaves each row alone (None: all day)."""
    alarms: list[tuple[datetime, int]] = field(default_factory=list)
    """A heap of (until, row) for the rows with an ``until``."""
    tally: Tally = field(default_factory=Tally)


class LastCycle:
    """A sheet's last completed cycle, for the next one (one per sheet a ``run`` serves)."""

    def __init__(self) -> None:
        self._state: _State | None = None

    @property
    def rows(self) -> int:
        """Rows held (0: none; the next cycle decides every row)."""
        return len(self._state.values) if self._state is not None else 0

    def forget(self) -> None:
        self._state = None

    def reuse(self, snapshot: Snapshot, rules: Rules, now: datetime) -> Reuse:
        """What the cycle at ``now`` can take from the last one; ``rules`` the configuration's.

        The state is taken: only :meth:`keep` gives it back."""
        state, self._state = self._state, None
        if state is None or state.rules is not rules or now < state.now:
            return Reuse.nothing(snapshot)
        if state.context != context(snapshot, rules, now):
            return Reuse.nothing(snapshot)
        values = snapshot.rows
        same = list(map(operator.eq, values, state.values))  # as long as the shorter
        for index, types in state.types.items():
            if index < len(same) and same[index]:
                same[index] = tuple(map(type, values[index])) == types
        equal = list(same)
        renewed = _renewed(snapshot, rules.calendar.zone, state, same)
        for index in renewed:
            same[index] = True
        while state.alarms and state.alarms[0][0] <= now:
            when, index = heapq.heappop(state.alarms)
            if index < len(same) and state.until[index] == when:
                same[index] = False
        take = staff_cells(snapshot.headers)
        rows = list(state.rows[: len(values)])
        for index in renewed:  # the worker's own cells as they are now (StaffRow.mulai)
            rows[index] = StaffRow(index + 2, *take(values[index]))
        prints = list(state.prints[: len(values)])
        ids = list(state.ids[: len(values)])
        # A row keeps its outcome when it is steady, kept, and its record the one it was
        # decided on. Most records were parsed before: the same object as held. The rows
        # where that fails are found without a Python loop over every row; only they are
        # looked at one by one.
        held = len(same)
        read = list(map(snapshot.records.get, ids[:held]))
        sure = map(
            operator.and_,
            map(operator.and_, same, state.keep),
            map(operator.is_, read, state.inputs),
        )
        known: list[Outcome | None] = list(state.outcomes[:held])
        todo = []
        for index in compress(range(held), map(operator.not_, sure)):
            record = read[index]
            steady = same[index] and state.keep[index]
            if steady and record is not None and record == state.inputs[index]:
                continue
            known[index] = None
            todo.append(index)
        known += [None] * (len(values) - held)
        todo += range(held, len(values))
        for index in todo:
            row = StaffRow(index + 2, *take(values[index]))
            if index < len(rows):
                rows[index] = row
                prints[index] = fingerprint(row)
                ids[index] = text_of(row.id)
            else:
                rows.append(row)
                prints.append(fingerprint(row))
                ids.append(text_of(row.id))
        return Reuse(rows, prints, ids, known, state.tally, state, renewed, equal)

    def keep(
        self,
        snapshot: Snapshot,
        rules: Rules,
        now: datetime,
        reuse: Reuse,
        decisions: Decisions,
        tally: Tally,
        decided_by: Rules,
        fresh: Sequence[int],
    ) -> None:
        """Keep a completed cycle: ``rules`` the configuration's (as :meth:`reuse` takes
        them), ``decided_by`` the cycle's own (with the sheet's Pegawai and Kalender: the
        clock horizons count its days off); ``reuse`` as it decided from, ``fresh`` the
        rows it decided (:func:`decided`).

        A row decided keeps its outcome as the next read will show it: with its record as
        written, without the Riwayat rows written (``_settled``)."""
        before = reuse.previous
        outcomes = list(decisions.outcomes)
        n = len(outcomes)
        if before is None:
            until: list[datetime | None] = [None] * n
            inputs: list[Record | None] = [None] * n
            keep = [False] * n
        else:
            more = n - len(before.until)
            until = before.until[:n] + [None] * more
            inputs = before.inputs[:n] + [None] * more
            keep = before.keep[:n] + [False] * more
        for index in fresh:
            outcome = outcomes[index]
            until[index] = steady_until(decided_by, outcome, now)
            keep[index] = outcome.new_id is None and index not in decisions.shared
            outcomes[index], inputs[index] = _settled(outcome, decisions.records)
        values = snapshot.rows
        if before is not None:
            # The row held where the row read equals it: the read's copy is freed with the
            # read, and the collector's walk after the cycle has fewer new objects to visit.
            held = list(before.values[: min(len(reuse.equal), len(values))])
            for index in compress(range(len(held)), map(operator.not_, reuse.equal)):
                held[index] = values[index]
            values = held + values[len(held) :]
        types = dict(before.types) if before is not None else {}
        for index in [*fresh, *reuse.renewed] if before is not None else range(len(values)):
            if _ambiguous(values[index]):
                types[index] = tuple(map(type, values[index]))
            else:
                types.pop(index, None)
        for index in [i for i in types if i >= len(values)]:
            del types[index]
        alarms = _alarms(until, before.alarms if before is not None else None, fresh)
        self._state = _State(
            rules=rules,
            context=context(snapshot, rules, now),
            now=now,
            values=values,
            types=types,
            rows=reuse.rows,
            prints=reuse.prints,
            ids=reuse.ids,
            outcomes=outcomes,
            keep=keep,
            inputs=inputs,
            until=until,
            alarms=alarms,
            tally=tally,
        )


def _settled(outcome: Outcome, records: dict[str, Record]) -> tuple[Outcome, Record | None]:
    """A row's outcome as deciding it again after the cycle's write gives it, and the
    record it is decided on then: the document's record after the cycle (as written: a
    move, a rejected attempt remembered, a fingerprint stamped), its Riwayat rows logged."""
    record = outcome.record
    if record is None:
        return outcome, None
    after = records.get(record.id, record)
    if after is record and not outcome.history:
        return outcome, record
    return Outcome(outcome.cells, after, (), outcome.new_id), after


def _renewed(snapshot: Snapshot, zone: ZoneInfo, state: _State, same: list[bool]) -> list[int]:
    """Rows read otherwise than last time whose outcome holds all the same: the same staff
    cells (of the same types), and worker cells that show what the outcome wants (as the
    last cycle wrote them, or as they were)."""
    take = staff_cells(snapshot.headers)
    worker = worker_cells(snapshot.headers)
    found = []
    for index in compress(range(len(same)), map(operator.not_, same)):
        if not state.keep[index]:
            continue
        values = snapshot.rows[index]
        row = state.rows[index]
        staff = take(values)[: len(STAFF_FIELDS)]
        held = (row.id, row.prosedur, row.langkah, row.judul, row.catatan)
        if staff != held or tuple(map(type, staff)) != tuple(map(type, held)):
            continue
        current = worker(values)
        wanted = worker_values(state.outcomes[index].cells, zone)
        if current == wanted or all(map(same_cell, current, wanted)):
            found.append(index)
    return found


def worker_cells(headers: Sequence[object]) -> Callable[[Sequence[object]], tuple[object, ...]]:
    """A Dokumen row's worker cells, in ``contract.WORKER_COLUMNS``' order."""
    cols = c.column_map(headers)
    return c.cells_of([cols[c.header_key(name)] for name in c.WORKER_COLUMNS])


def worker_values(cells: WorkerCells, zone: ZoneInfo) -> tuple[object, ...]:
    """The worker cells as a sheet reads them back: an empty cell is None."""
    return (
        cells.kegiatan or None,
        cells.pelaksana or None,
        local(cells.mulai, zone),
        local(cells.tenggat, zone),
        cells.status.value if cells.status else None,
        cells.pesan or None,
    )


def _alarms(
    until: list[datetime | None], kept: list[tuple[datetime, int]] | None, fresh: Sequence[int]
) -> list[tuple[datetime, int]]:
    """The heap of (until, row): the last cycle's, with the rows decided anew pushed on.

    An entry whose row was decided again since is stale; :meth:`LastCycle.reuse` skips it
    (its ``until`` differs). The heap is rebuilt when stale entries could outnumber rows."""
    if kept is None or len(kept) + len(fresh) > 2 * len(until) + 64:
        alarms = [(when, i) for i, when in enumerate(until) if when is not None]
        heapq.heapify(alarms)
        return alarms
    for index in fresh:
        when = until[index]
        if when is not None:
            heapq.heappush(kept, (when, index))
    return kept


def context(snapshot: Snapshot, rules: Rules, now: datetime) -> tuple[object, ...]:
    """What every row's outcome depends on besides its own cells and record: the Dokumen
    headers, the admin tabs, the kept SOP versions, and the day."""
    day: date = now.astimezone(rules.calendar.zone).date()
    versions = tuple(sorted(kv for kv in snapshot.meta.items() if kv[0].startswith(VERSION_PREFIX)))
    tables = tuple(sorted((title, _typed(table)) for title, table in snapshot.tables.items()))
    return (tuple(snapshot.headers), tables, versions, day)


def _typed(table: Table) -> tuple[object, ...]:
    """A table's cells with their types: ``True == 1``, but not as a cell."""
    return tuple(tuple((type(v), v) for v in row) for row in [table.headers, *table.rows])


def _ambiguous(values: Sequence[object]) -> bool:
    """Whether a row equal to this one could hold other cells: a TRUE/FALSE, or a number
    equal to one (``True == 1``), or a number so large that as a whole number and as a
    fraction it is written otherwise (``text_of``)."""
    for value in values:
        if type(value) is str or value is None:  # most cells
            continue
        if isinstance(value, bool):
            return True
        if isinstance(value, int | float) and (value in (0, 1) or abs(value) >= 1e15):
            return True
    return False


__all__ = ["LastCycle", "Reuse", "context", "decided", "worker_values"]
