"""One sync cycle: read once, decide every row, write once (or not at all)."""

from __future__ import annotations

import gc
import operator
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import compress
from typing import TYPE_CHECKING

import structlog

from syncer import contract as c
from syncer import last_cycle, meta, versions, views
from syncer.backends import (
    Backend,
    BackendError,
    CellWrite,
    Changes,
    NeedsInit,
    Replan,
    Snapshot,
    WriteUncertain,
)
from syncer.cells import same_cell
from syncer.engine import (
    Decisions,
    Outcome,
    Record,
    Rules,
    StaffRow,
    decide_rows,
    records_from_history,
)
from syncer.identity import reconcile
from syncer.last_cycle import (
    LastCycle,
    Reuse,
    decided,
    worker_cells,
    worker_values,
)
from syncer.monitoring.refresh import NOT_TOLD, KinerjaTerms, refresh, wants_riwayat
from syncer.office import read_office
from syncer.tally import Attention, Tally

if TYPE_CHECKING:  # the modules of a migration and of notices load only when used
    from syncer.migration import Migration
    from syncer.notices.delivery import DeliveryReport
    from syncer.notices.documents import OpenDocument

log = structlog.get_logger("sopsync.cycle")


@dataclass
class Report:
    """What a cycle did: its counts, the rows that need attention, what it wrote."""

    now: datetime
    target: str = ""
    counts: Counter[c.Status] = field(default_factory=Counter)
    attention: list[Attention] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    written: bool = False
    initialised: list[str] = field(default_factory=list)
    late: Counter[c.Status] = field(default_factory=Counter)
    """Late documents by the status their row shows: Terlambat, or Tidak valid and late."""
    rules: Rules | None = None
    """The rules the rows were decided by: the office's dates and people of this cycle."""
    documents: list[OpenDocument] | None = None
    """The documents at a step as this cycle decided them, for notices; None unless the
    cycle was asked for them (``run_cycle(documents=True)``)."""
    notices: DeliveryReport | None = None
    """What the notices that followed the cycle did (``sync`` and ``run`` with notices on)."""
    kinerja_due: datetime | None = None
    """When the Kinerja tab is next due (``KinerjaTerms.due`` of the next cycle)."""
    history_read: int | None = None
    """Riwayat entries the cycle's read brought (None: Riwayat was not read)."""
    decided: int = 0
    """Rows the cycle decided; a ``run`` keeps the others' outcomes from its last cycle."""

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


_COLUMNS = range(len(c.WORKER_COLUMNS))


def decide(
    rules: Rules,
    rows: list[StaffRow],
    records: dict[str, Record],
    now: datetime,
    migration: Migration | None = None,
    reuse: Reuse | None = None,
) -> tuple[list[StaffRow], Decisions, dict[int, str]]:
    """Settle IDs that a racing write put on the wrong row, then decide every row (and
    migrate the documents of ``migration``).

    Returns the rows as decided, the decisions with every record's fingerprints
    brought up to date, and the ID cells to write (settled or newly assigned). ``reuse``:
    what a ``run``'s last cycle knows of ``rows`` (``syncer.last_cycle``); its rows whose
    ID or record the settling changed are decided anew.
    """
    settled = reconcile(
        rows, records, reuse.prints if reuse else None, reuse.ids if reuse else None
    )
    ids: list[str] | None = None
    known: list[Outcome | None] | None = None
    if reuse is not None:
        ids, known = reuse.ids, reuse.known
        if settled.id_writes or settled.cleared:
            ids, known = list(ids), list(known)
            for i, doc_id in settled.id_writes.items():
                ids[i], known[i] = doc_id, None
            for i, doc_id in enumerate(ids):
                if doc_id in settled.cleared:
                    known[i] = None
            reuse.ids, reuse.known = ids, known
    decisions = decide_rows(rules, settled.rows, settled.records, now, ids, known)
    id_writes = dict(settled.id_writes)
    stamped = dict(decisions.records)
    outcomes = decisions.outcomes
    todo = range(len(outcomes)) if known is None else decided(outcomes, known)
    for i in todo:
        outcome = outcomes[i]
        record = outcome.record
        if record is None or stamped.get(record.id) is not record:
            continue
        sidik = settled.prints[i]
        if outcome.new_id:
            id_writes[i] = outcome.new_id
            stamped[record.id] = replace(record, sidik=sidik, claim=sidik)
            continue
        if record.sidik == sidik and record == settled.records.get(record.id):
            continue
        confirmed = record.claim == sidik and i not in id_writes
        claim = "" if confirmed else record.claim
        if (record.sidik, record.claim) != (sidik, claim):
            stamped[record.id] = replace(record, sidik=sidik, claim=claim)
    result = Decisions(outcomes, stamped, decisions.shared)
    if migration is not None:
        from syncer.migration import migrate

        result = migrate(rules, settled.rows, result, migration, now)
    return settled.rows, result, id_writes


def plan_changes(
    snapshot: Snapshot,
    decisions: Decisions,
    records: dict[str, Record],
    rules: Rules,
    id_writes: dict[int, str],
    todo: Sequence[int] | None = None,
) -> Changes:
    """The cells, records and Riwayat rows that differ from what was read.

    ``records`` are those the rows were decided on: what the state tab holds, with
    any record rebuilt from Riwayat. A row's worker cells are written from the first
    that differs to the last (Pesan): a late row's Pesan, which changes every minute in
    its first hour, is written alone, while rows keep few shapes, which the write packs
    into few rectangles. A row a racing write left half-updated is whole again after one
    write all the same. ``todo``: the rows decided (default all); the others kept an outcome
    whose cells the sheet showed already.
    """
    shown = worker_cells(snapshot.headers)
    changes = Changes()
    blocks: dict[str, tuple[int, int]] | None = None
    outcomes = decisions.outcomes
    for i in range(len(outcomes)) if todo is None else todo:
        outcome = outcomes[i]
        wanted = worker_values(outcome.cells, rules.calendar.zone)
        current = shown(snapshot.rows[i])
        if current != wanted:
            first = next((k for k in _COLUMNS if not same_cell(current[k], wanted[k])), None)
            if first is not None:
                changes.cells.extend(
                    CellWrite(i, c.WORKER_COLUMNS[k], wanted[k]) for k in _COLUMNS[first:]
                )
        if i in id_writes:
            changes.cells.append(CellWrite(i, c.ID, id_writes[i]))
        if outcome.record is not None and records.get(outcome.record.id) is None:
            blocks = blocks or views.sop_choices(rules.catalog)
            changes.choices[i] = blocks[outcome.record.procedure]
        changes.history.extend(outcome.history)
    held = snapshot.records
    after = decisions.records  # most records are the very ones read: found without a loop
    touched = map(operator.is_not, map(held.get, after), after.values())
    changes.records = [
        record for doc_id, record in compress(after.items(), touched) if held.get(doc_id) != record
    ]
    count = str(len(decisions.records))
    if snapshot.meta.get(meta.RECORDS) != count:
        changes.meta[meta.RECORDS] = count
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


def run_cycle(
    backend: Backend,
    rules: Rules,
    now: datetime,
    dry_run: bool = False,
    attempts: int = 3,
    sleep: Callable[[float], None] | None = time.sleep,
    documents: bool = False,
    kinerja: KinerjaTerms = NOT_TOLD,
    migration: Migration | None = None,
    memory: LastCycle | None = None,
) -> Report:
    """Read, decide, write. ``now`` is the cycle's clock (aware).

    A write that may or may not have landed (its answer lost), or a sheet that
    changed under the cycle, is followed by a new read and plan at the same ``now``,
    which writes only what is still missing: each document's Riwayat rows and
    record travel in one atomic request, so a read tells exactly what landed. A
    file another program is still writing is read again after a pause that doubles
    each time (with no ``sleep``, it is not waited for: its Busy ends the cycle). At most
    ``attempts`` rounds. When ``kinerja`` says the Kinerja tab is due,
    the cycle's one read brings Riwayat whole to refresh it (``monitoring.refresh``). With
    ``documents`` the report lists the open documents as decided (``Report.documents``), for
    the notices that follow the cycle. With ``migration`` the cycle also migrates documents
    (``syncer.migration``). ``memory``: the sheet's last cycle, kept by a ``run`` between its
    cycles (``syncer.last_cycle``): only the rows that changed are decided. A dry or failed cycle
    forgets it: the next decides every row.
    """
    context = {"target": backend.target, "cycle": now.isoformat(timespec="seconds")}
    report = Report(now=now, target=backend.target, documents=[] if documents else None)
    if memory is not None and dry_run:
        memory.forget()  # what a dry cycle decided was not written: the next decides anew
        memory = None
    with cyclic_gc_paused(), structlog.contextvars.bound_contextvars(**context):
        rounds = max(1, attempts)
        try:
            return _run_cycle(
                backend, rules, now, dry_run, rounds, sleep, kinerja, report, migration, memory
            )
        except BaseException:
            if memory is not None:
                memory.forget()
            raise


def _run_cycle(
    backend: Backend,
    rules: Rules,
    now: datetime,
    dry_run: bool,
    attempts: int,
    sleep: Callable[[float], None] | None,
    kinerja: KinerjaTerms,
    report: Report,
    migration: Migration | None = None,
    memory: LastCycle | None = None,
) -> Report:
    lost: Changes | None = None
    """Changes whose write's answer was lost: they may have landed."""
    for attempt in range(1, attempts + 1):
        try:
            _round(backend, rules, now, dry_run, report, kinerja, migration, memory)
        except NeedsInit as exc:  # the write found part of the layout gone
            if dry_run or attempt == attempts:  # a dry run writes nothing, init included
                raise
            log.warning("a tab went missing; initialising", reason=str(exc))
            report.initialised += backend.init(rules)
            continue
        except Replan as exc:
            if attempt == attempts:
                if isinstance(exc, WriteUncertain):
                    raise BackendError(
                        f"writing the sheet failed after {attempts} attempts: {exc}"
                    ) from exc
                raise
            if isinstance(exc, WriteUncertain):
                lost = lost or report.changes
            pause = getattr(exc, "retry_after", 0.0) * 2 ** (attempt - 1)
            if pause and sleep is None:  # a worker of many sheets does not wait on one
                raise
            log.warning("reading the sheet again", reason=str(exc), attempt=attempt, wait=pause)
            if pause and sleep is not None:
                sleep(pause)
            continue
        report.written = bool(report.changes) and not dry_run
        break
    if lost is not None and not report.written:  # the lost write had landed whole
        report.changes, report.written = lost, True
    log.info(
        "cycle",
        rows=report.rows,
        cells=len(report.changes.cells),
        records=len(report.changes.records),
        history=len(report.changes.history),
        tabs=sorted(report.changes.tabs),
        dropdowns=len(report.changes.choices),
        riwayat_read=report.history_read,
        decided=report.decided,
        written=report.written,
        dry_run=dry_run,
    )
    return report


def _round(
    backend: Backend,
    rules: Rules,
    now: datetime,
    dry_run: bool,
    report: Report,
    kinerja: KinerjaTerms,
    migration: Migration | None = None,
    memory: LastCycle | None = None,
) -> None:
    """One read, plan and (unless nothing changed, or a dry run) write."""
    report.changes = Changes()
    basis, done = _read_and_decide(backend, rules, now, dry_run, report, kinerja, migration, memory)
    if report.changes and not dry_run:
        backend.write(report.changes, basis)
    done()


def _read_and_decide(
    backend: Backend,
    rules: Rules,
    now: datetime,
    dry_run: bool,
    report: Report,
    kinerja: KinerjaTerms,
    migration: Migration | None = None,
    memory: LastCycle | None = None,
) -> tuple[object, Callable[[], None]]:
    """Fill ``report`` with the changes, counts and rows to look at; return the write's basis,
    and what to call once the round is done (it hands the round to ``memory``).

    Without ``memory``, what was read and decided is dropped on return, before the write:
    a workbook's save is the cycle's peak of memory.
    """
    snapshot = _read(
        backend,
        rules,
        dry_run,
        report,
        kinerja.reads_riwayat(now),
        lambda read: wants_riwayat(read, rules, now, kinerja),
    )
    report.history_read = None if snapshot.history is None else len(snapshot.history)
    office = read_office(snapshot.tables, rules)
    kept = versions.read_kept(snapshot.meta, rules.read_version)
    configured, rules = rules, replace(office.rules, versions=kept.versions)
    report.rules = rules
    records = _with_rebuilt(snapshot, kept)
    if memory is not None and migration is None:
        reuse = memory.reuse(snapshot, configured, now)
    else:
        reuse = Reuse.nothing(snapshot)
    rows, decisions, id_writes = decide(rules, reuse.rows, records, now, migration, reuse)
    todo = last_cycle.decided(decisions.outcomes, reuse.known)
    report.decided = len(todo)
    report.changes = plan_changes(snapshot, decisions, records, rules, id_writes, todo)
    pins = versions.Pins({i: r.version for i, r in decisions.records.items()}, kept.versions)
    kinerja_tab = refresh(snapshot, rules, now, kinerja, report.changes.history, pins)
    report.kinerja_due = kinerja_tab.due
    tally = reuse.count(rules, decisions, rows, todo)
    used = versions.in_flight(decisions.records.values())
    tabs, digests = worker_tabs(
        snapshot, rules, tally, decisions, used, now, kinerja_tab.content, kept
    )
    report.changes.tabs = tabs
    report.changes.pesan = office.pesan
    report.changes.meta.update(digests)
    report.changes.meta.update(kinerja_tab.meta(now))
    report.changes.meta.update(versions.kept_updates(kept, used, rules.catalog, now))
    pointed = views.choices_digest(rules.catalog)
    if snapshot.meta.get(meta.CHOICES) != pointed:  # the steps moved: every dropdown anew
        blocks = views.sop_choices(rules.catalog)
        report.changes.choices = {
            i: blocks[o.record.procedure]
            for i, o in enumerate(decisions.outcomes)
            if o.record is not None and o.record.procedure in blocks
        }
        report.changes.meta[meta.CHOICES] = pointed
    report.counts = Counter(tally.statuses)
    report.late = Counter(tally.late)
    report.attention = tally.attention_rows()
    if report.documents is not None:
        from syncer.notices.documents import open_documents

        report.documents = open_documents(rules, rows, decisions)
    if memory is None or migration is not None:
        return snapshot.basis, _nothing

    def done() -> None:
        memory.keep(snapshot, configured, now, reuse, decisions, tally, rules, todo)

    return snapshot.basis, done


def _nothing() -> None:
    pass


def _read(
    backend: Backend,
    rules: Rules,
    dry_run: bool,
    report: Report,
    full_history: bool,
    riwayat_wanted: Callable[[Snapshot], str],
) -> Snapshot:
    """The cycle's read; ``init`` first when the sheet lacks part of the layout.

    When Riwayat is needed whole and was not read (a record lost or damaged; the Kinerja
    tab due on a cycle not told so, ``riwayat_wanted``), a second read brings it: the one
    exception to one read per cycle, once per loss, at most once a working day for Kinerja.
    """
    try:
        snapshot = backend.read(full_history)
    except NeedsInit as exc:
        if dry_run:
            raise
        log.info("initialising", reason=str(exc))
        report.initialised = backend.init(rules)
        snapshot = backend.read(full_history)
    lost = history_wanted(snapshot)
    if lost:
        log.warning("reading Riwayat whole", reason=lost)
    else:
        wanted = riwayat_wanted(snapshot)
        if not wanted:
            return snapshot
        log.info("reading Riwayat whole", reason=wanted)
    return backend.read(full_history=True)


def history_wanted(snapshot: Snapshot) -> str:
    """Why this cycle needs Riwayat whole ("" when it does not).

    The state tab's key→value area counts the records the worker wrote; fewer rows
    than that, or a record that cannot be read, means some were lost or damaged.
    """
    if snapshot.history is not None or not snapshot.ledger_has_entries:
        return ""
    if snapshot.unreadable:
        return f"{len(snapshot.unreadable)} records cannot be read"
    expected = snapshot.meta.get(meta.RECORDS, "")
    if not expected.isdigit():
        return "the number of records is not known"
    if len(snapshot.record_ids) < int(expected):
        return f"{int(expected) - len(snapshot.record_ids)} records are missing"
    return ""


def _with_rebuilt(snapshot: Snapshot, kept: versions.Kept) -> dict[str, Record]:
    """The records read, with each one lost or damaged rebuilt from Riwayat."""
    if snapshot.history is None:
        return snapshot.records
    found = records_from_history(snapshot.history)
    lost = {doc_id: r for doc_id, r in found.items() if doc_id not in snapshot.records}
    rebuilt = versions.rebuilt_versions(lost, snapshot.history, kept)
    if rebuilt:
        log.warning(
            "records rebuilt from Riwayat", documents=len(rebuilt), ids=sorted(rebuilt)[:20]
        )
    return {**snapshot.records, **rebuilt}


def worker_tabs(
    snapshot: Snapshot,
    rules: Rules,
    tally: Tally,
    decisions: Decisions,
    used: set[versions.Key],
    now: datetime,
    kinerja: views.TabContent | None = None,
    kept: versions.Kept | None = None,
) -> tuple[dict[str, views.Grid], dict[str, str]]:
    """The worker tabs whose content changed, and their digests for the key→value area.

    A tab is compared through its digest: it is never read. Kinerja is there only on the
    cycle that refreshes it (``kinerja``). The SOP tab lists the versions in use under the
    steps (``kept``: the older ones kept in the sheet).
    """
    sop = views.sop_tab(rules.catalog, views.coming_days_off(rules.calendar, now))
    below = versions.sop_block(
        rules.catalog, decisions.records.values(), kept or versions.Kept(), used
    )
    wanted = {
        views.RINGKASAN: views.TabContent(
            views.ringkasan_grid(rules, tally, now), views.UPDATED_AT
        ),
        views.SOP: views.TabContent(sop.grid + below),
        **({c.KINERJA: kinerja} if kinerja is not None else {}),
    }
    tabs: dict[str, views.Grid] = {}
    digests: dict[str, str] = {}
    for title, content in wanted.items():
        key, value = meta.digest_key(title), content.digest()
        if snapshot.meta.get(key) != value or title in snapshot.blank_tabs:
            tabs[title] = content.grid
            digests[key] = value
    return tabs, digests
