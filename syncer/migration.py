"""``sopsync sop migrate``: documents in flight moved to the current version of their SOP
by an explicit step map (DESIGN §9), in a cycle of their sheet.

The migration runs inside a sync cycle (``cycle.run_cycle``), after the rows are decided
on each document's own version: a move staff made meanwhile is accepted on the version
it was made on, then migrated. So the migration has the cycle's one read and one write,
and its exactly-once: each document's record and its Riwayat line travel in one atomic
write, and a cycle that reads again after a lost answer finds the documents already on
the current version and migrates nothing twice.

Choices where DESIGN is silent:

* **Mulai is kept.** A migration renumbers the work a document is doing; it does not
  restart it. Tenggat is the new step's standard time from the same Mulai, so a late
  document stays late, and Kinerja measures the stay from its real start.
* **A map for every step in use**, except where the current version has a step with the
  same number asking the same work of the same actor in the same time (``same_work``):
  only then is the meaning provably unchanged. Otherwise the migration is refused whole,
  naming the steps to map and their documents.
* **The Langkah cell is never written** (a staff cell): the value it holds when the
  document is migrated keeps meaning the step it is now at (``Record.alias``) until staff
  change it or the document moves on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sop_models import Procedure
from sop_models.version import same_work
from syncer.engine import (
    Decisions,
    EntryKind,
    HistoryEntry,
    Outcome,
    Record,
    Rules,
    StaffRow,
    decide_known,
    due_of,
    langkah_key,
    pinned,
)
from syncer.versions import migration_note


class MigrationRefused(Exception):
    """The migration cannot be done as asked; the message is one sentence for the admin."""


@dataclass(frozen=True)
class Migration:
    """Moving an SOP's documents in flight to its current version, step by step."""

    code: str
    """The SOP whose documents move to its current version."""
    steps: Mapping[int, int]
    """Old step number -> step of the current version."""


def migrate(
    rules: Rules,
    rows: Sequence[StaffRow],
    decisions: Decisions,
    migration: Migration,
    now: datetime,
) -> Decisions:
    """``decisions`` with every document of the SOP on an older version migrated: its
    record renumbered, a Riwayat line, and its row decided again on the current version."""
    current = rules.catalog.get(migration.code)
    due = [
        r
        for r in decisions.records.values()
        if r.procedure == current.code
        and isinstance(r.step, int)
        and r.version
        and r.version != current.version
    ]
    targets = _targets(rules, current, migration, due)
    on_row = {o.record.id: i for i, o in enumerate(decisions.outcomes) if o.record is not None}
    outcomes = list(decisions.outcomes)
    records = dict(decisions.records)
    for record in sorted(due, key=lambda r: r.id):
        target = targets[record.id]
        index = on_row.get(record.id)
        row = rows[index] if index is not None else None
        moved = replace(
            record, version=current.version, step=target, came_from=None, alias=_alias(row, target)
        )
        entry = _entry(rules, current, record, moved, now)
        if row is None or index is None:
            records[record.id] = moved
            continue
        again = decide_known(rules, row, moved, now)
        before = outcomes[index]
        outcomes[index] = Outcome(
            again.cells, again.record, (*before.history, entry, *again.history), before.new_id
        )
        records[record.id] = again.record or moved
    return Decisions(outcomes, records, decisions.shared)


def _targets(
    rules: Rules, current: Procedure, migration: Migration, due: Sequence[Record]
) -> dict[str, int]:
    """Each document's step in the current version; refused when a step has no mapping."""
    found: dict[str, int] = {}
    unmapped: dict[tuple[str, int], list[str]] = {}
    for record in due:
        assert isinstance(record.step, int)
        target = migration.steps.get(record.step)
        if target is None and _same_work(rules, current, record, record.step):
            target = record.step
        if target is None:
            unmapped.setdefault((record.version, record.step), []).append(record.id)
        else:
            found[record.id] = target
    if unmapped:
        raise MigrationRefused(_refusal(current, unmapped))
    return found


def _same_work(rules: Rules, current: Procedure, record: Record, step: int) -> bool:
    """Whether ``step`` means the same in the document's version and the current one."""
    old = pinned(rules, record)
    return (
        isinstance(old, Procedure)
        and current.has_step(step)
        and same_work(old.step(step), current.step(step))
    )


def _refusal(current: Procedure, unmapped: dict[tuple[str, int], list[str]]) -> str:
    parts = []
    for (version, step), ids in sorted(unmapped.items()):
        shown = ", ".join(sorted(ids)[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        parts.append(f"step {step} of version {version} ({shown})")
    steps = sorted({step for _, step in unmapped})
    example = ",".join(f"{step}=N" for step in steps)
    return (
        f"cannot migrate {current.code} to version {current.version}: no mapping for"
        f" {'; '.join(parts)}; give each step its step of the current version"
        f" (1-{current.last}), e.g. --map {example}"
    )


def _alias(row: StaffRow | None, target: int) -> str:
    """What the row's Langkah holds, when it does not already mean ``target``."""
    if row is None:
        return ""
    key = langkah_key(row.langkah)
    return "" if key in (str(target), "") or (key == "kosong" and target == 1) else key


def _entry(
    rules: Rules, current: Procedure, record: Record, moved: Record, now: datetime
) -> HistoryEntry:
    assert isinstance(record.step, int) and isinstance(moved.step, int)
    step = current.step(moved.step)
    return HistoryEntry(
        now,
        record.id,
        current.code,
        record.step,
        moved.step,
        rules.person(step.actor, now),
        due_of(rules, step, moved.since),
        migration_note(record.version, current, record.step, moved.step),
        EntryKind.MIGRATED,
    )
