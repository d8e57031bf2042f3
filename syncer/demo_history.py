"""A simulated semester of an office, for ``sopsync demo --history``.

Documents arrive on a schedule (``ARRIVALS``); at each step staff take a time drawn
around the step's Mutu Baku, some roles usually slower than it (``PACE``); reviewers
send some documents back (``RETURN_CHANCE``) and staff now and then type a wrong step
(``SLIP_CHANCE``), which they correct. Every edit is decided by the real engine at the
worker cycle that first sees it (every ``CYCLE_MINUTES``), as the worker would have, so
the Riwayat it logs and the records it keeps are the worker's own. Seeded: the same
``now`` gives the same semester.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sop_models import DONE, Done, Duration, Position, Procedure
from sop_models.idtime import MONTHS
from syncer.engine import HistoryEntry, Record, Rules, StaffRow, decide_rows
from syncer.monitoring.measures import Period

CYCLE_MINUTES = 5
UNITS = ("Seksi Pemerintahan", "Seksi Kesejahteraan Sosial", "Seksi Trantib")


@dataclass(frozen=True)
class Arrival:
    code: str
    judul: str
    """``{bulan}``, ``{tahun}`` and ``{unit}`` are filled in."""
    months: tuple[int, ...]
    """Months after the history's start in which one arrives (0 = the first)."""
    per_unit: bool = False
    """One per unit (``UNITS``) instead of one."""


MONTHLY = tuple(range(12))
ARRIVALS = (
    Arrival("laporan-bulanan", "Laporan Bulanan {unit} {bulan} {tahun}", MONTHLY, True),
    Arrival("laporan-semesteran", "Laporan Semesteran {tahun}", (0,)),
    Arrival("laporan-tahunan", "Laporan Tahunan {tahun}", (0,)),
    Arrival("monev", "Monev {unit} {bulan} {tahun}", (0, 3, 6), True),
    Arrival("dpa", "DPA Kecamatan {tahun}", (0,)),
    Arrival("penetapan-kinerja", "Penetapan Kinerja {tahun}", (0,)),
    Arrival("lakip", "LAKIP {tahun}", (1,)),
    Arrival("rka", "RKA Kecamatan {tahun}", (1, 4)),
    Arrival("iku", "IKU {tahun}", (2,)),
    Arrival("renja", "Renja {tahun}", (2,)),
    Arrival("renstra", "Renstra {tahun}", (3,)),
)
PACE = {"Camat": 2.0, "Sekcam": 1.0, "Tim": 0.8}
"""Median time taken over Mutu Baku by role; other roles ``USUAL_PACE``."""
USUAL_PACE = 0.4
SPREAD = 0.45
"""Sigma of the log-normal spread of times around the median."""
UNTIMED_MINUTES = (30, 240)
"""Time taken at a step with no Mutu Baku: uniform in this range of working minutes."""
RETURN_CHANCE = (0.35, 0.1)
"""Chance a reviewer answers Tidak: the first time, then each later time."""
SLIP_CHANCE = 0.03
ARRIVAL_DAYS = 15
"""Documents arrive within this many working days of the start of their month."""
"""Chance staff type a step that is not allowed (then correct it a little later)."""


@dataclass
class _Document:
    row: int
    procedure: Procedure
    judul: str
    id: str = ""
    langkah: object = None
    returned: int = 0


@dataclass(frozen=True)
class Semester:
    """What the simulation leaves: Dokumen rows as staff left them, records, Riwayat."""

    rows: list[StaffRow]
    records: dict[str, Record]
    history: list[HistoryEntry]


@dataclass(order=True)
class _Edit:
    when: datetime
    seq: int
    document: _Document = field(compare=False)
    langkah: object = field(compare=False)


def history_start(now: datetime) -> date:
    """The current semester's first day, or the previous one's when fewer than two months
    of the current semester have passed: the figures then have enough to show."""
    current = Period.semester(now.date()).first
    if (now.date() - current).days >= 60:
        return current
    return Period.semester(current - timedelta(days=1)).first


def simulate(rules: Rules, start: date, until: datetime, seed: str = "sopsync-demo") -> Semester:
    """Documents arriving from ``start`` and moved until ``until`` (aware), decided by the
    engine cycle by cycle."""
    rng = random.Random(f"{seed}:{start.isoformat()}")
    calendar = rules.calendar
    documents: list[_Document] = []
    queue: list[_Edit] = []
    for arrival, moment, fill in _arrivals(start, until, rng, rules):
        proc = rules.catalog.get(arrival.code)
        doc = _Document(len(documents) + 2, proc, arrival.judul.format(**fill))
        documents.append(doc)
        heapq.heappush(queue, _Edit(moment, len(queue), doc, None))
    records: dict[str, Record] = {}
    history: list[HistoryEntry] = []
    seq = len(queue)
    while queue and queue[0].when < until:
        cycle = _cycle_after(queue[0].when)
        edited: dict[int, _Document] = {}
        while queue and queue[0].when <= cycle:
            edit = heapq.heappop(queue)
            edit.document.langkah = edit.langkah
            edited[edit.document.row] = edit.document
        rows = [_staff_row(doc) for doc in edited.values()]
        decisions = decide_rows(rules, rows, records, cycle)
        records = decisions.records
        for doc, outcome in zip(edited.values(), decisions.outcomes, strict=True):
            history.extend(outcome.history)
            if outcome.new_id:
                doc.id = outcome.new_id
            record = records.get(doc.id)
            if record is None or isinstance(record.step, Done):
                continue
            langkah, took = _next_edit(doc, record, rules, rng)
            seq += 1
            heapq.heappush(queue, _Edit(calendar.add(cycle, took), seq, doc, langkah))
    return Semester([_staff_row(doc) for doc in documents], records, history)


def _arrivals(
    start: date, until: datetime, rng: random.Random, rules: Rules
) -> list[tuple[Arrival, datetime, dict[str, object]]]:
    found = []
    calendar = rules.calendar
    for arrival in ARRIVALS:
        if arrival.code not in rules.catalog.procedures:
            continue
        for month in arrival.months:
            year, index = divmod(start.month - 1 + month, 12)
            first = date(start.year + year, index + 1, 1)
            for unit in UNITS if arrival.per_unit else ("",):
                day = datetime.combine(first, datetime.min.time(), calendar.zone)
                spread = ARRIVAL_DAYS * int(calendar.day_minutes)
                offset = Duration(1 + rng.randrange(spread), "menit")
                moment = calendar.add(day, offset)
                if moment < until:
                    fill = {"unit": unit, "bulan": MONTHS[first.month - 1], "tahun": first.year}
                    found.append((arrival, moment, fill))
    return found


def _cycle_after(moment: datetime) -> datetime:
    """The worker cycle that first sees an edit made at ``moment``."""
    base = moment.replace(second=0, microsecond=0)
    return base + timedelta(minutes=CYCLE_MINUTES - base.minute % CYCLE_MINUTES)


def _staff_row(doc: _Document) -> StaffRow:
    return StaffRow(doc.row, doc.id or None, doc.procedure.code, doc.langkah, doc.judul)


def _next_edit(
    doc: _Document, record: Record, rules: Rules, rng: random.Random
) -> tuple[object, Duration]:
    """What staff type next and how much working time it takes them."""
    assert isinstance(record.step, int)
    proc = doc.procedure
    step = proc.step(record.step)
    if rng.random() < SLIP_CHANCE and record.step + 2 <= proc.last:
        return record.step + 2, Duration(1 + rng.randrange(60), "menit")  # corrected next
    target: Position = proc.next_steps(record.step)[0]
    if step.decision is not None:
        chance = RETURN_CHANCE[0] if doc.returned == 0 else RETURN_CHANCE[1]
        if rng.random() < chance:
            target = step.decision.tidak
            doc.returned += 1
    langkah = str(target) if target is DONE else target
    return langkah, _time_taken(step.actor, step.duration, rules, rng)


def _time_taken(
    actor: str, duration: Duration | None, rules: Rules, rng: random.Random
) -> Duration:
    if duration is None:
        return Duration(rng.randint(*UNTIMED_MINUTES), "menit")
    day = rules.calendar.day_minutes
    standard = duration.minutes if duration.minutes is not None else duration.amount * day
    pace = PACE.get(actor, USUAL_PACE)
    minutes = standard * pace * math.exp(rng.gauss(0, SPREAD))
    return Duration(max(1, round(minutes)), "menit")
