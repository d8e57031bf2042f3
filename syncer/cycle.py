"""One sync cycle: read once, decide every row, write once (or not at all)."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from operator import itemgetter

import structlog

from syncer import contract as c
from syncer import views
from syncer.backends import Backend, CellWrite, Changes, NeedsInit, Snapshot
from syncer.cells import text_of
from syncer.engine import (
    Decisions,
    Record,
    Rules,
    StaffRow,
    WorkerCells,
    decide_rows,
    records_from_history,
)
from syncer.identity import reconcile
from syncer.ledger import local

log = structlog.get_logger("sopsync.cycle")


@dataclass(frozen=True)
class Attention:
    """A row a supervisor should look at: invalid or late."""

    row: int
    id: str
    status: c.Status
    pesan: str


@dataclass
class Report:
    now: datetime
    target: str = ""
    counts: Counter[c.Status] = field(default_factory=Counter)
    attention: list[Attention] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    written: bool = False
    initialised: list[str] = field(default_factory=list)
    late: Counter[c.Status] = field(default_factory=Counter)
    """Late documents by the status their row shows: Terlambat, or Tidak valid and late."""

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


STAFF_FIELDS = [f.name for f in fields(StaffRow) if f.name != "row"]
"""StaffRow's cells in its own order: each is the contract column of that name."""


def staff_rows(snapshot: Snapshot) -> list[StaffRow]:
    cols = c.column_map(snapshot.headers)
    take = _cells_of([cols[name] for name in STAFF_FIELDS])
    return [StaffRow(n, *take(values)) for n, values in enumerate(snapshot.rows, start=2)]


def _cells_of(index: list[int]) -> Callable[[list[object]], tuple[object, ...]]:
    """A row's cells at ``index`` (None past its end: a sheet trims empty trailing cells)."""
    full = itemgetter(*index)
    width = max(index) + 1

    def take(values: list[object]) -> tuple[object, ...]:
        if len(values) >= width:
            picked: tuple[object, ...] = full(values)  # two or more indices: a tuple
            return picked
        return tuple(values[i] if i < len(values) else None for i in index)

    return take


def _worker_values(cells: WorkerCells, rules: Rules) -> tuple[object, ...]:
    """The worker cells as a sheet reads them back: an empty cell is None."""
    zone = rules.calendar.zone
    return (
        cells.kegiatan or None,
        cells.pelaksana or None,
        local(cells.mulai, zone),
        local(cells.tenggat, zone),
        cells.status.value if cells.status else None,
        cells.pesan or None,
    )


def _same(current: object, wanted: object) -> bool:
    if current in (None, "") and wanted in (None, ""):
        return True
    if isinstance(current, datetime) and isinstance(wanted, datetime):
        return abs(current - wanted) < timedelta(seconds=1)
    return type(current) is type(wanted) and current == wanted


def decide(
    rules: Rules, rows: list[StaffRow], records: dict[str, Record], now: datetime
) -> tuple[list[StaffRow], Decisions, dict[int, str]]:
    """Settle IDs that a racing write put on the wrong row, then decide every row.

    Returns the rows as decided, the decisions with every record's fingerprints
    brought up to date, and the ID cells to write (settled or newly assigned).
    """
    settled = reconcile(rows, records)
    decisions = decide_rows(rules, settled.rows, settled.records, now)
    id_writes = dict(settled.id_writes)
    stamped = dict(decisions.records)
    for i, outcome in enumerate(decisions.outcomes):
        record = outcome.record
        if record is None or stamped.get(record.id) is not record:
            continue
        sidik = settled.prints[i]
        if outcome.new_id:
            id_writes[i] = outcome.new_id
            stamped[record.id] = replace(record, sidik=sidik, claim=sidik)
            continue
        before = settled.records.get(record.id)
        if record.sidik != sidik or record != before:
            confirmed = record.claim == sidik and i not in id_writes
            claim = "" if confirmed else record.claim
            stamped[record.id] = replace(record, sidik=sidik, claim=claim)
    return settled.rows, Decisions(decisions.outcomes, stamped), id_writes


def plan_changes(
    snapshot: Snapshot,
    decisions: Decisions,
    before: dict[str, Record],
    rebuilt: bool,
    rules: Rules,
    id_writes: dict[int, str],
) -> Changes:
    """The cells, records and Riwayat rows that differ from what was read.

    A row whose worker cells differ gets all of them written, so that a row
    a racing write left half-updated is whole again after one write.
    """
    cols = c.column_map(snapshot.headers)
    worker_cells = _cells_of([cols[c.header_key(name)] for name in c.WORKER_COLUMNS])
    changes = Changes()
    blocks = views.sop_choices(rules.catalog)
    for i, (values, outcome) in enumerate(zip(snapshot.rows, decisions.outcomes, strict=True)):
        wanted = _worker_values(outcome.cells, rules)
        current = worker_cells(values)
        if current != wanted and not all(
            _same(now, want) for now, want in zip(current, wanted, strict=True)
        ):
            changes.cells.extend(
                CellWrite(i, name, value)
                for name, value in zip(c.WORKER_COLUMNS, wanted, strict=True)
            )
        if i in id_writes:
            changes.cells.append(CellWrite(i, c.ID, id_writes[i]))
        if outcome.record is not None and before.get(outcome.record.id) is None:
            changes.choices[i] = blocks[outcome.record.procedure]
        changes.history.extend(outcome.history)
    changes.records = [
        record
        for doc_id, record in decisions.records.items()
        if rebuilt or before.get(doc_id) != record
    ]
    return changes


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cycle collection while a cycle runs; reference counting still frees as usual.

    A cycle builds millions of objects that live until its end (the decoded read,
    a record per document): the collector would walk them again and again, for
    about a third of the cycle's CPU, and find nothing to free. A loop of cycles
    collects between them (``worker.run_forever``): what a cycle leaves in
    reference cycles (a whole workbook) is freed before the next is loaded.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_cycle(backend: Backend, rules: Rules, now: datetime, dry_run: bool = False) -> Report:
    """Read, decide, write. ``now`` is the cycle's clock (aware)."""
    with cyclic_gc_paused():
        return _run_cycle(backend, rules, now, dry_run)


def _run_cycle(backend: Backend, rules: Rules, now: datetime, dry_run: bool) -> Report:
    report = Report(now=now, target=backend.target)
    _read_and_decide(backend, rules, now, dry_run, report)
    if report.changes and not dry_run:
        backend.write(report.changes)
        report.written = True
    log.info(
        "cycle",
        target=backend.target,
        rows=report.rows,
        cells=len(report.changes.cells),
        records=len(report.changes.records),
        history=len(report.changes.history),
        written=report.written,
        dry_run=dry_run,
    )
    return report


def _read_and_decide(
    backend: Backend, rules: Rules, now: datetime, dry_run: bool, report: Report
) -> None:
    """Fill ``report`` with the changes, counts and rows to look at.

    What was read and decided is dropped on return, before the write: a
    workbook's save is the cycle's peak of memory.
    """
    try:
        snapshot = backend.read()
    except NeedsInit as exc:
        if dry_run:
            raise
        log.info("initialising", reason=str(exc), target=backend.target)
        report.initialised = backend.init(rules)
        snapshot = backend.read()
    before = snapshot.records
    rebuilt = not before and snapshot.ledger_has_entries
    if rebuilt:
        before = records_from_history(backend.read_history())
        log.warning("records rebuilt from Riwayat", documents=len(before))
    rows, decisions, id_writes = decide(rules, staff_rows(snapshot), before, now)
    report.changes = plan_changes(snapshot, decisions, before, rebuilt, rules, id_writes)
    report.changes.tabs = worker_tabs(snapshot, rules, rows, decisions, now)
    if views.SOP in report.changes.tabs:  # the steps moved: every dropdown points anew
        blocks = views.sop_choices(rules.catalog)
        report.changes.choices = {
            i: blocks[o.record.procedure]
            for i, o in enumerate(decisions.outcomes)
            if o.record is not None and o.record.procedure in blocks
        }
    _tally(report, rows, decisions)


def worker_tabs(
    snapshot: Snapshot, rules: Rules, rows: list[StaffRow], decisions: Decisions, now: datetime
) -> dict[str, views.Grid]:
    """Ringkasan and SOP as they should be, for the tabs that do not show that yet."""
    wanted = {
        views.RINGKASAN: (
            views.ringkasan_grid(rules, rows, decisions.outcomes, now),
            {views.UPDATED_AT},
        ),
        views.SOP: (views.sop_grid(rules.catalog), set()),
    }
    return {
        title: grid
        for title, (grid, volatile) in wanted.items()
        if not views.same(snapshot.tabs.get(title), grid, volatile)
    }


def _tally(report: Report, rows: Sequence[StaffRow], decisions: Decisions) -> None:
    for row, outcome in zip(rows, decisions.outcomes, strict=True):
        status = outcome.cells.status
        if status is None:
            continue
        report.counts[status] += 1
        if outcome.cells.late:
            report.late[status] += 1
        if status in (c.Status.TIDAK_VALID, c.Status.TERLAMBAT):
            doc_id = outcome.new_id or (outcome.record.id if outcome.record else text_of(row.id))
            report.attention.append(Attention(row.row, doc_id, status, outcome.cells.pesan))
