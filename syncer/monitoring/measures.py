"""The figures of monitoring (DESIGN §10), from Riwayat entries, the catalog and the calendar.

Pure: no I/O, the clock passed in. Where §10 is silent, this module decides:

* A **stay** is the time a document spent at one step: from the accepted entry that
  brought it there to its next accepted entry (its **move out** of the step). A stay
  counts in the period its move out falls in, in full even if it began earlier.
* **Time taken** is working time: the calendar's working minutes of the stay. At an
  ``N hari`` step, its whole working days as its Tenggat counts them (the same clock
  time on a later working day), each shown as the calendar's average working day,
  then the working minutes after the last: a stay that ended at its Tenggat took
  exactly N hari, so a median reads over Mutu Baku exactly when moves were late.
* **Within Mutu Baku** means the move out came no later than the step's Tenggat,
  ``calendar.add(start, waktu)``: the very due moment the sheet showed, so a stay was
  within exactly when its row never turned Terlambat. For ``N menit`` / ``N jam`` that is
  at most N working minutes (N x 60); for ``N hari``, by the same clock time N working
  days later (DESIGN §3), not N x 7.5 working hours.
* A **return** is a move out of a decision step to its ``Tidak`` target.
* Rejected attempts (Keterangan ``ditolak``) do not count anywhere.
* A document is **open** at the period's end, or at ``now`` when that is earlier, when
  its last accepted entry by then left it at a step (not Selesai); **late** when that
  step's Tenggat was already past.
* Steps are the current catalog's, looked up by the SOP code and step number Riwayat
  stores. A stay at a step or SOP the catalog no longer has is counted in
  :attr:`Measures.skipped` and nowhere else; so is an open document at such a step.
* A **migration** (``sop migrate``, DESIGN §9) is no move: the stay goes on at the step's
  new number from the moment the document reached it (Mulai is kept), and counts once,
  when the document moves on.
* **Versions** (given ``pins``: which version each document runs on, and the older
  versions kept in the sheet): a stay on a version other than the current one counts at
  the current step of the same number only when that step asks the same work of the
  same actor in the same time (``same_work``), its returns by its own version's
  decision; otherwise, or when that version's steps are no longer kept (no document runs
  on it any more), it is counted in :attr:`Measures.skipped`. Which version a stay ran
  on: before a migration, the one the migration names as left; after the last, the
  document's record's. Without ``pins`` every stay is taken to be on the current version.
* **Median**: the middle time (the mean of the two middle ones for an even count).
  **90th percentile**: nearest rank, the shortest observed time that at least 90% of
  the moves took no longer than.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from operator import attrgetter
from zoneinfo import ZoneInfo

from sop_models import Catalog, Duration, Procedure, Step
from sop_models.idtime import rentang
from sop_models.version import same_work
from syncer.calendar import WorkingCalendar
from syncer.engine import EntryKind, HistoryEntry
from syncer.monitoring import DEFAULT_GOOD_SHARE
from syncer.versions import Pins, migrated


class Penilaian(StrEnum):
    """The two assessments of the Permenpan monitoring form (DESIGN §10)."""

    BAIK = "Berjalan dengan baik"
    TIDAK_BAIK = "Tidak berjalan dengan baik"


@dataclass(frozen=True, slots=True)
class Period:
    """Whole days ``first`` to ``last``, both included, on the office's calendar."""

    first: date
    last: date

    @classmethod
    def semester(cls, day: date) -> Period:
        """The semester ``day`` falls in: January–June or July–December."""
        if day.month <= 6:
            return cls(date(day.year, 1, 1), date(day.year, 6, 30))
        return cls(date(day.year, 7, 1), date(day.year, 12, 31))

    @classmethod
    def between(cls, first: date | None, last: date | None, today: date) -> Period:
        """From ``first`` to ``last``; a missing end is that of the other's semester, and
        with neither, the semester of ``today``. ValueError when ``last`` is before ``first``.
        """
        if first is None and last is None:
            return cls.semester(today)
        first = first or cls.semester(last or today).first
        last = last or cls.semester(first).last
        if last < first:
            raise ValueError(f"{last.isoformat()} is before {first.isoformat()}")
        return cls(first, last)

    def start(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.first, time(), zone)

    def end(self, zone: ZoneInfo) -> datetime:
        """The first moment after the period (midnight after ``last``)."""
        return datetime.combine(self.last + timedelta(days=1), time(), zone)

    @property
    def label(self) -> str:
        """``1 Juli s.d. 31 Desember 2026``."""
        return rentang(self.first, self.last)


def quantile(ordered: Sequence[float], share: float) -> float:
    """Nearest rank: the smallest value that at least ``share`` of ``ordered`` do not exceed."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True, slots=True)
class StepFigures:
    """One step of one SOP in the period."""

    procedure: Procedure
    number: int
    moves: int
    """Moves out of the step (returns included)."""
    times: tuple[float, ...]
    """Working minutes each move took, shortest first."""
    within: int
    """Moves no later than their Tenggat (0 for a step with no Mutu Baku)."""
    returns: int
    """Moves to the decision's ``Tidak`` target (0 for a step that is not a decision)."""
    day_minutes: float
    """Working minutes of a working day: a ``hari`` Mutu Baku in minutes, to compare."""

    @property
    def activity(self) -> str:
        return self.procedure.step(self.number).activity

    @property
    def actor(self) -> str:
        return self.procedure.step(self.number).actor

    @property
    def standard(self) -> Duration | None:
        """The Mutu Baku (Waktu); None: the step shows counts only."""
        return self.procedure.step(self.number).duration

    @property
    def is_decision(self) -> bool:
        return self.procedure.step(self.number).decision is not None

    @property
    def measured(self) -> int:
        """Moves held against a Mutu Baku: all of them, or none when the step has no Waktu."""
        return self.moves if self.standard is not None else 0

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def p90(self) -> float | None:
        return quantile(self.times, 0.9) if self.times else None

    @property
    def share(self) -> float | None:
        """Share of moves within Mutu Baku; None without a Mutu Baku or a move."""
        return self.within / self.measured if self.measured else None

    @property
    def standard_minutes(self) -> float | None:
        """The Mutu Baku in working minutes (``N hari`` as N working days of ``day_minutes``)."""
        standard = self.standard
        if standard is None:
            return None
        minutes = standard.minutes
        return float(minutes) if minutes is not None else standard.amount * self.day_minutes

    @property
    def slowness(self) -> float | None:
        """Median time taken over Mutu Baku (above 1: slower than the standard)."""
        median, standard = self.median, self.standard_minutes
        return median / standard if median is not None and standard else None


@dataclass(frozen=True, slots=True)
class Load:
    """Open and late documents at the end of the period (or now)."""

    open: int = 0
    late: int = 0


@dataclass(frozen=True, slots=True)
class ProcedureFigures:
    """One SOP's figures over the period: each step's, and its open and late documents."""

    procedure: Procedure
    steps: tuple[StepFigures, ...]
    """Every step of the SOP, in order."""
    load: Load

    @property
    def moves(self) -> int:
        return sum(s.moves for s in self.steps)

    @property
    def measured(self) -> int:
        return sum(s.measured for s in self.steps)

    @property
    def within(self) -> int:
        return sum(s.within for s in self.steps)

    @property
    def returns(self) -> int:
        return sum(s.returns for s in self.steps)

    @property
    def share(self) -> float | None:
        return self.within / self.measured if self.measured else None

    def penilaian(self, good_share: float = DEFAULT_GOOD_SHARE) -> Penilaian | None:
        """``Berjalan dengan baik`` when at least ``good_share`` of its measured moves were
        within Mutu Baku; None when no move was measured in the period (nothing to judge)."""
        share = self.share
        if share is None:
            return None
        return Penilaian.BAIK if share >= good_share - 1e-9 else Penilaian.TIDAK_BAIK

    def slowest(self, limit: int = 3) -> list[StepFigures]:
        """Its steps with a move later than Mutu Baku, slowest against Mutu Baku first."""
        late = [s for s in self.steps if s.measured > s.within]
        return sorted(late, key=slow_first)[:limit]


@dataclass(frozen=True, slots=True)
class RoleFigures:
    """One role's figures over the period: its open and late documents, its measured steps."""

    role: str
    load: Load
    moves: int
    measured: int
    within: int

    @property
    def share(self) -> float | None:
        return self.within / self.measured if self.measured else None


@dataclass(frozen=True, slots=True)
class Measures:
    """The monitoring figures of a period, per SOP and per role."""

    period: Period
    as_of: datetime
    """The moment open and late documents are counted at: the period's end, or now."""
    procedures: tuple[ProcedureFigures, ...]
    """Every SOP of the catalog, in catalog order."""
    roles: tuple[RoleFigures, ...]
    """Every role of the catalog, in order of first appearance."""
    skipped: int
    """Moves out of, and open documents at, steps the current catalog no longer has, or
    steps of another version that do not mean the current step of the same number."""

    @property
    def as_of_day(self) -> date:
        """The day open documents are counted on: the period's last once it is over."""
        return min(self.as_of.date(), self.period.last)

    def steps(self) -> list[StepFigures]:
        return [step for proc in self.procedures for step in proc.steps]

    def slowest(self) -> list[StepFigures]:
        """Every step moved out of in the period: those with a Mutu Baku, slowest against it
        first, then those without (counts only), in catalog order."""
        moved = [s for s in self.steps() if s.moves]
        return sorted(moved, key=slow_first)


def slow_first(step: StepFigures) -> tuple[bool, float, float]:
    """Sort key: measured steps before unmeasured, slowest against Mutu Baku, least often
    within it."""
    slowness, share = step.slowness, step.share
    if slowness is None or share is None:
        return (True, 0.0, 0.0)
    return (False, -slowness, share)


@dataclass(slots=True)
class _Tally:
    """A step's measured times, and how many were within its standard time or sent back."""

    times: list[float] = field(default_factory=list)
    within: int = 0
    returns: int = 0


@dataclass(slots=True)
class _LoadTally:
    """A role's or an SOP's counts, as they are added up."""

    open: int = 0
    late: int = 0
    moves: int = 0
    measured: int = 0
    within: int = 0

    def frozen(self) -> Load:
        return Load(self.open, self.late)

    def add(self, load: _LoadTally, step: StepFigures | None = None) -> None:
        self.open += load.open
        self.late += load.late
        if step is not None:
            self.moves += step.moves
            self.measured += step.measured
            self.within += step.within


def measure(
    entries: Iterable[HistoryEntry],
    catalog: Catalog,
    calendar: WorkingCalendar,
    period: Period,
    now: datetime,
    pins: Pins | None = None,
) -> Measures:
    """The figures of ``period`` (see the module's definitions); ``now`` is aware."""
    zone = calendar.zone
    start, end = period.start(zone), period.end(zone)
    as_of = min(now, end)
    by_document: dict[str, dict[tuple[object, ...], HistoryEntry]] = {}
    for entry in entries:
        if (
            entry.kind is not EntryKind.REJECTED
            and entry.target is not None
            and entry.when < end
            and entry.when <= now
        ):
            # A Riwayat row copied by hand is the same move, counted once.
            move = (entry.when, entry.procedure, entry.source, entry.target, entry.kind)
            by_document.setdefault(entry.id, {}).setdefault(move, entry)
    tallies: dict[tuple[str, int], _Tally] = {}
    loads: dict[tuple[str, int], _LoadTally] = {}
    skipped = 0
    when = attrgetter("when")
    for doc_id, moves in by_document.items():
        history = sorted(moves.values(), key=when)  # stable: a cycle's keep their Riwayat order
        pinned = pins.documents.get(doc_id, "") if pins is not None else ""
        stays = _stays(history, pinned)
        for (here, version), (then, _) in pairwise(stays):
            if not start <= then.when < end or not isinstance(here.target, int):
                continue
            judged = _judged(catalog, pins, here.procedure, here.target, version)
            if judged is None:
                skipped += 1
                continue
            tally = tallies.setdefault((here.procedure, here.target), _Tally())
            _count_stay(tally, judged, here.when, then, calendar)
        last, version = stays[-1]
        if isinstance(last.target, int) and as_of >= start:  # a period to come has none open
            judged = _judged(catalog, pins, last.procedure, last.target, version)
            if judged is None:
                skipped += 1
                continue
            load = loads.setdefault((last.procedure, last.target), _LoadTally())
            load.open += 1
            duration = judged.duration
            if duration is not None and calendar.add(last.when, duration) < as_of:
                load.late += 1
    return _assemble(catalog, calendar, period, as_of, tallies, loads, skipped)


def _stays(history: list[HistoryEntry], pinned: str) -> list[tuple[HistoryEntry, str]]:
    """A document's entries, each the start of a stay with the version it ran on ("":
    the current one). A migration is folded into the stay it renumbered: that stay goes
    on at the new number from its real start, on the version migrated to."""
    out: list[tuple[HistoryEntry, str | None]] = []
    for entry in history:
        if entry.kind is not EntryKind.MIGRATED or not out:
            out.append((entry, None))
            continue
        left = migrated(entry.note)[0]
        out = [(e, left if v is None else v) for e, v in out]
        arrived = out[-1][0]
        out[-1] = (replace(arrived, target=entry.target, procedure=entry.procedure), None)
    return [(e, pinned if v is None else v) for e, v in out]


def _judged(
    catalog: Catalog, pins: Pins | None, code: str, number: int, version: str
) -> Step | None:
    """The step a stay is measured as (the current step ``number``), judged by its own
    version's step; None when it cannot be (see the module's definitions)."""
    proc = catalog.procedures.get(code)
    if proc is None or not proc.has_step(number):
        return None
    if pins is None or not version or version == proc.version:
        return proc.step(number)
    old = pins.versions.get(code, version)
    if old is None or not old.has_step(number):
        return None
    step = old.step(number)
    return step if same_work(step, proc.step(number)) else None


def _count_stay(
    tally: _Tally, step: Step, began: datetime, then: HistoryEntry, calendar: WorkingCalendar
) -> None:
    """One move out of ``step``, which the document reached at ``began``."""
    duration = step.duration
    taken = _taken(calendar, duration, began, then.when)
    tally.times.append(taken)
    if duration is not None:
        minutes = duration.minutes
        if minutes is not None and taken != minutes:
            within = taken < minutes  # the Tenggat is where these minutes run out
        else:  # N hari, or exactly N minutes (moved at the Tenggat, or after a closing time)
            within = then.when <= calendar.add(began, duration)
        tally.within += within
    if step.decision is not None and then.target == step.decision.tidak:
        tally.returns += 1


def _taken(
    calendar: WorkingCalendar, duration: Duration | None, began: datetime, end: datetime
) -> float:
    """The working minutes a stay took. At an ``N hari`` step its whole working days are
    counted as its Tenggat counts them (the same clock time on a later working day), each
    as ``day_minutes``, then the working minutes after the last: a stay that ends at its
    Tenggat took exactly N days, whatever the length of the days it spanned."""
    if duration is None or duration.minutes is not None:
        return calendar.working_minutes(began, end)
    days = _whole_days(calendar, duration.amount, began, end)
    mark = calendar.add(began, Duration(days, "hari")) if days else began
    day = calendar.day_minutes
    # a part of a day longer than the average one still reads as less than a day
    return days * day + min(calendar.working_minutes(mark, end), day - 1)


def _whole_days(calendar: WorkingCalendar, n: int, began: datetime, end: datetime) -> int:
    """How many working days, as a Tenggat counts them, a stay from ``began`` to ``end`` at
    an ``n hari`` step lasted: counted down from its Tenggat when it ended before it (most
    stays), else up from it, a long stay from :meth:`WorkingCalendar.days_and_minutes`'
    guess."""

    def after(days: int) -> datetime:
        return calendar.add(began, Duration(days, "hari"))

    due = after(n)
    if end < due:
        days = n - 1
        while days and after(days) > end:
            days -= 1
        return days
    days = n
    for _ in range(3):  # late by a day or two, most often
        if after(days + 1) > end:
            return days
        days += 1
    days = max(days, calendar.days_and_minutes(began, end)[0])
    while days > n and after(days) > end:
        days -= 1
    while after(days + 1) <= end:
        days += 1
    return days


def _assemble(
    catalog: Catalog,
    calendar: WorkingCalendar,
    period: Period,
    as_of: datetime,
    tallies: dict[tuple[str, int], _Tally],
    loads: dict[tuple[str, int], _LoadTally],
    skipped: int,
) -> Measures:
    day_minutes = calendar.day_minutes
    procedures: list[ProcedureFigures] = []
    by_role: dict[str, _LoadTally] = {role: _LoadTally() for role in catalog.roles}
    for proc in catalog:
        steps: list[StepFigures] = []
        proc_load = _LoadTally()
        for step in proc.steps:
            tally = tallies.get((proc.code, step.number), _Tally())
            figures = StepFigures(
                proc,
                step.number,
                len(tally.times),
                tuple(sorted(tally.times)),
                tally.within,
                tally.returns,
                day_minutes,
            )
            steps.append(figures)
            load = loads.get((proc.code, step.number), _LoadTally())
            proc_load.add(load)
            by_role.setdefault(step.actor, _LoadTally()).add(load, figures)
        procedures.append(ProcedureFigures(proc, tuple(steps), proc_load.frozen()))
    roles = tuple(
        RoleFigures(role, tally.frozen(), tally.moves, tally.measured, tally.within)
        for role, tally in by_role.items()
    )
    return Measures(period, as_of, tuple(procedures), roles, skipped)
