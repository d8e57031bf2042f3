"""Monitoring measures (DESIGN §10) from Riwayat entries: a hand count and two properties."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_models import DONE, Catalog, Duration, Position, Procedure, build_procedure, load_catalog
from sop_models.version import Versions
from syncer.calendar import WorkingCalendar
from syncer.engine import EntryKind, HistoryEntry, format_working
from syncer.monitoring.measures import Measures, Penilaian, Period, StepFigures, measure
from syncer.versions import Pins, migration_note

WIB = ZoneInfo("Asia/Jakarta")
CATALOG = load_catalog()
CALENDAR = WorkingCalendar()
SEMESTER_I = Period(date(2026, 1, 1), date(2026, 6, 30))
SEMESTER_II = Period(date(2026, 7, 1), date(2026, 12, 31))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


def entry(
    when: str | datetime,
    doc: str,
    procedure: str,
    source: Position | None,
    target: Position | None,
    kind: EntryKind = EntryKind.ACCEPTED,
) -> HistoryEntry:
    moment = at(when) if isinstance(when, str) else when
    return HistoryEntry(moment, doc, procedure, source, target, "", None, "", kind)


def step(measures: Measures, code: str, number: int) -> StepFigures:
    proc = next(p for p in measures.procedures if p.procedure.code == code)
    return proc.steps[number - 1]


# --- a small Riwayat counted by hand ---------------------------------------------------------

LB = "laporan-bulanan"
HAND = [
    # A: laporan-bulanan through every step, one return at step 3.
    entry("2026-11-23T08:00", "A", LB, None, 1),
    entry("2026-11-24T08:00", "A", LB, 1, 2),
    entry("2026-11-25T10:00", "A", LB, 2, 3),
    entry("2026-11-25T10:20", "A", LB, 3, 2),  # Tidak
    entry("2026-11-25T13:20", "A", LB, 2, 3),
    entry("2026-11-25T14:00", "A", LB, 3, 4),  # Ya
    entry("2026-11-25T14:15", "A", LB, 4, 5),
    entry("2026-11-26T09:15", "A", LB, 5, 6),
    entry("2026-11-26T09:30", "A", LB, 6, 7),
    entry("2026-11-26T11:00", "A", LB, 7, DONE),
    # B: started, one rejected attempt, still at step 1.
    entry("2026-11-30T08:00", "B", LB, None, 1),
    entry("2026-11-30T10:00", "B", LB, 1, None, EntryKind.REJECTED),
    # C: rka, out of step 1 (no Waktu), still at step 2.
    entry("2026-11-23T09:00", "C", "rka", None, 1),
    entry("2026-11-23T11:00", "C", "rka", 1, 2),
    # D: wholly before the period.
    entry("2026-06-15T08:00", "D", LB, None, 7),
    entry("2026-06-15T09:00", "D", LB, 7, DONE),
    # E: a step the catalog no longer has; F: an SOP it no longer has.
    entry("2026-11-23T08:00", "E", LB, None, 9),
    entry("2026-11-23T09:00", "E", LB, 9, DONE),
    entry("2026-11-23T08:00", "F", "surat-keluar", None, 1),
]
NOW = at("2026-12-01T09:00")


def test_a_small_riwayat_gives_the_figures_counted_by_hand():
    """Semester II 2026, counted at Tue 1 Dec 2026 09:00 on the default calendar
    (Mon–Thu 07:30–12:00 and 13:00–16:00; 23–27 and 30 Nov are working days).

    laporan-bulanan (A's moves; B's step 1 is still open, its rejected attempt ignored):
      step 1 (1 hari): Mon 08:00 -> Tue 08:00 = 240+180+30 = 450 min; Tenggat Tue 08:00:
             within. moves 1, median 450, p90 450, within 1.
      step 2 (1 hari): Tue 08:00 -> Wed 10:00 = 420+150 = 570 min, Tenggat Wed 08:00: late;
             Wed 10:20 -> 13:20 = 100+20 = 120 min, Tenggat Thu 10:20: within.
             moves 2, median (120+570)/2 = 345, p90 (rank ceil(1.8) = 2) 570, within 1.
      step 3 (30 menit, decision Ya->4 Tidak->2): 10:00 -> 10:20 = 20 min within, a return;
             13:20 -> 14:00 = 40 min, late. moves 2, median 30, p90 40, within 1, returns 1.
      step 4 (20 menit): 14:00 -> 14:15 = 15 min, within.
      step 5 (10 menit): Wed 14:15 -> Thu 09:15 = 105+105 = 210 min, late.
      step 6 (15 menit): 09:15 -> 09:30 = 15 min, exactly its Tenggat: within.
      step 7 (2 jam): 09:30 -> 11:00 = 90 min, within.
      SOP: 9 measured moves, 6 within: 66.7% < 80%: Tidak berjalan dengan baik; 1 return;
      open 1 (B at step 1, Tenggat Tue 1 Dec 08:00 < 09:00: late 1).
    rka: step 1 (no Waktu) Mon 09:00 -> 11:00 = 120 min, counts only; C open at step 2
      (30 menit, Tenggat Mon 11:30): late. No measured move: no Penilaian.
    D is wholly in June: nothing. E (step 9 of a 7-step SOP) and F (an SOP not in the
    catalog, open): skipped 2.
    Roles (moves, measured, within; open, late): Kasubag Evapor steps 1, 3: 3, 3, 2; B open
      and late; Staf step 2: 2, 2, 1; Sekcam step 4: 1, 1, 1, and C open and late; Camat
      step 5 and rka step 1 (counts only): 2, 1, 0; Kasubag Umum steps 6, 7: 2, 2, 2; Tim
      and Kasi: nothing.
    """
    m = measure(HAND, CATALOG, CALENDAR, SEMESTER_II, NOW)
    expected = {  # step: (moves, median, p90, within, returns)
        1: (1, 450, 450, 1, 0),
        2: (2, 345, 570, 1, 0),
        3: (2, 30, 40, 1, 1),
        4: (1, 15, 15, 1, 0),
        5: (1, 210, 210, 0, 0),
        6: (1, 15, 15, 1, 0),
        7: (1, 90, 90, 1, 0),
    }
    for number, (moves, median, p90, within, returns) in expected.items():
        s = step(m, LB, number)
        assert (s.moves, s.median, s.p90, s.within, s.returns) == (
            moves,
            median,
            p90,
            within,
            returns,
        ), number
    lb = next(p for p in m.procedures if p.procedure.code == LB)
    assert (lb.measured, lb.within, lb.returns) == (9, 6, 1)
    assert (lb.load.open, lb.load.late) == (1, 1)
    assert lb.penilaian() is Penilaian.TIDAK_BAIK
    assert lb.penilaian(0.6) is Penilaian.BAIK
    rka = next(p for p in m.procedures if p.procedure.code == "rka")
    first = step(m, "rka", 1)
    assert (first.moves, first.median, first.measured, first.share) == (1, 120, 0, None)
    assert rka.penilaian() is None and (rka.load.open, rka.load.late) == (1, 1)
    assert m.skipped == 2
    roles = {r.role: (r.moves, r.measured, r.within, r.load.open, r.load.late) for r in m.roles}
    assert roles == {
        "Kasubag Evapor": (3, 3, 2, 1, 1),
        "Staf": (2, 2, 1, 0, 0),
        "Sekcam": (1, 1, 1, 1, 1),
        "Camat": (2, 1, 0, 0, 0),
        "Kasubag Umum": (2, 2, 2, 0, 0),
        "Tim": (0, 0, 0, 0, 0),
        "Kasi": (0, 0, 0, 0, 0),
    }
    others = [p for p in m.procedures if p.procedure.code not in (LB, "rka")]
    assert all(p.moves == 0 and p.load.open == 0 for p in others)


def test_the_period_and_the_clock_bound_what_counts():
    """Before the period's end only what happened by now counts; a later period sees none."""
    early = measure(HAND, CATALOG, CALENDAR, SEMESTER_II, at("2026-11-25T12:00"))
    assert step(early, LB, 2).moves == 1 and step(early, LB, 3).returns == 1
    assert step(early, LB, 4).moves == 0
    a_at_2 = next(p for p in early.procedures if p.procedure.code == LB).load
    assert (a_at_2.open, a_at_2.late) == (1, 0)  # A back at step 2 since 10:20, due Thu
    later = measure(HAND, CATALOG, CALENDAR, Period(date(2027, 1, 1), date(2027, 6, 30)), NOW)
    assert sum(p.moves for p in later.procedures) == 0
    assert sum(p.load.open + p.load.late for p in later.procedures) == 0  # none open yet
    june = measure(HAND, CATALOG, CALENDAR, Period.semester(date(2026, 6, 1)), NOW)
    assert step(june, LB, 7).moves == 1  # D, counted in its own period
    assert june.as_of == at("2026-07-01T00:00")


def test_periods_are_semesters_written_the_indonesian_way():
    assert Period.semester(date(2026, 11, 30)) == SEMESTER_II
    assert Period.semester(date(2026, 6, 30)).first == date(2026, 1, 1)
    assert SEMESTER_II.label == "1 Juli s.d. 31 Desember 2026"


# --- properties --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Walk:
    """One document's path: where it started, its answers at decisions, how long each step took."""

    procedure: Procedure
    start: datetime
    answers: tuple[bool, ...]
    """At each decision in turn: True = Ya, False = Tidak (then Ya once these run out)."""
    free_minutes: tuple[int, ...]
    """Working minutes taken at steps with no Waktu, in turn."""


def walk_entries(doc: str, walk: Walk, took: dict[int, Duration | None]) -> list[HistoryEntry]:
    """Accepted entries of a document moved at ``calendar.add(start, took[step])`` each time."""
    proc = walk.procedure
    answers = list(walk.answers)
    free = list(walk.free_minutes) or [60]
    out = [entry(walk.start, doc, proc.code, None, 1)]
    here: Position = 1
    moment = walk.start
    while isinstance(here, int):
        step_ = proc.step(here)
        duration = took.get(here) or Duration(free[len(out) % len(free)], "menit")
        moment = CALENDAR.add(moment, duration)
        if step_.decision is not None:
            target: Position = step_.decision.ya
            if answers and not answers.pop(0):
                target = step_.decision.tidak
        else:
            target = proc.next_steps(here)[0]
        out.append(entry(moment, doc, proc.code, here, target))
        here = target
    return out


def exact(proc: Procedure) -> dict[int, Duration | None]:
    """Every step takes exactly its Mutu Baku."""
    return {s.number: s.duration for s in proc.steps}


working_days = st.dates(date(2026, 7, 1), date(2026, 9, 30)).filter(CALENDAR.is_working_day)
walks = st.builds(
    Walk,
    procedure=st.sampled_from(list(CATALOG)),
    start=st.builds(
        lambda day, minutes: CALENDAR.add(
            datetime.combine(day, datetime.min.time(), WIB), Duration(1 + minutes, "menit")
        ),
        working_days,
        st.integers(0, 440),
    ),
    answers=st.lists(st.booleans(), max_size=4).map(tuple),
    free_minutes=st.lists(st.integers(1, 900), min_size=1, max_size=3).map(tuple),
)
END = at("2027-01-15T09:00")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(walks, min_size=1, max_size=4))
def test_steps_that_take_exactly_their_mutu_baku_are_all_within(docs):
    history = [e for i, w in enumerate(docs) for e in walk_entries(f"D{i}", w, exact(w.procedure))]
    m = measure(history, CATALOG, CALENDAR, SEMESTER_II, END)
    measured = [s for s in m.steps() if s.measured]
    assert measured  # every SOP has steps with a Waktu
    assert all(s.share == 1.0 for s in measured)
    assert all(p.penilaian() in (Penilaian.BAIK, None) for p in m.procedures)
    assert all(r.share in (1.0, None) for r in m.roles)
    assert sum(p.moves for p in m.procedures) == len(history) - len(docs)


decision_steps = [
    (proc, s.number) for proc in CATALOG for s in proc.steps if s.decision is not None
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(walks, max_size=4),
    st.sampled_from(decision_steps),
    st.integers(0, 2000),
    st.integers(1, 3000),
)
def test_one_more_return_adds_one_to_that_decision_and_nothing_elsewhere(
    docs, decision, started, took
):
    history = [
        e
        for i, w in enumerate(docs)
        for e in walk_entries(f"D{i}", w, {n: Duration(took, "menit") for n in range(1, 12)})
    ]
    proc, number = decision
    begun = CALENDAR.add(at("2026-08-03T07:30"), Duration(1 + started, "menit"))
    arrived = entry(begun, "X", proc.code, None, number)
    back = entry(
        begun + timedelta(minutes=took), "X", proc.code, number, proc.step(number).decision.tidak
    )
    before = measure([*history, arrived], CATALOG, CALENDAR, SEMESTER_II, END)
    after = measure([*history, arrived, back], CATALOG, CALENDAR, SEMESTER_II, END)
    for old, new in zip(before.steps(), after.steps(), strict=True):
        if (new.procedure.code, new.number) == (proc.code, number):
            assert new.returns == old.returns + 1
            assert new.moves == old.moves + 1
        else:
            assert new == old
    assert after.skipped == before.skipped


def test_a_rejected_attempt_changes_no_figure():
    rejected = replace(HAND[3], kind=EntryKind.REJECTED, target=None)
    without = measure([e for e in HAND if e is not HAND[3]], CATALOG, CALENDAR, SEMESTER_II, NOW)
    with_rejected = measure(
        [rejected if e is HAND[3] else e for e in HAND], CATALOG, CALENDAR, SEMESTER_II, NOW
    )
    assert with_rejected == without


def test_a_riwayat_row_copied_by_hand_is_the_same_move_counted_once():
    copied = [*HAND[:4], replace(HAND[3], note="disalin"), *HAND[4:]]
    assert measure(copied, CATALOG, CALENDAR, SEMESTER_II, NOW) == measure(
        HAND, CATALOG, CALENDAR, SEMESTER_II, NOW
    )


def test_within_mutu_baku_means_by_the_tenggat_the_sheet_showed():
    """`2 jam` begun Mon 14:00 is due 16:00 (DESIGN §3): moved at 17:00 it took 120 working
    minutes too, but the row was Terlambat from 16:00 on. `1 hari` begun Fri 16:20 is due
    Mon 16:00: moved then, it took 10 + 270 + 180 = 460 working minutes, more than the 450
    of an average working day, yet it is within; at 16:05 it is not.
    """
    jam = "laporan-bulanan"  # step 7: 2 jam
    hari = "laporan-bulanan"  # step 1: 1 hari

    def step_within(doc_entries, number):
        m = measure(doc_entries, CATALOG, CALENDAR, SEMESTER_II, NOW)
        return step(m, LB, number).within

    start7 = entry("2026-11-23T14:00", "J", jam, 6, 7)
    assert step_within([start7, entry("2026-11-23T16:00", "J", jam, 7, DONE)], 7) == 1
    assert step_within([start7, entry("2026-11-23T17:00", "J", jam, 7, DONE)], 7) == 0
    start1 = entry("2026-11-27T16:20", "H", hari, None, 1)
    on_time = entry("2026-11-30T16:00", "H", hari, 1, 2)
    assert CALENDAR.working_minutes(start1.when, on_time.when) == 460
    assert step_within([start1, on_time], 1) == 1
    assert step_within([start1, entry("2026-11-30T16:05", "H", hari, 1, 2)], 1) == 0


@pytest.mark.parametrize(
    ("began", "moved", "shown"),
    [
        ("2026-11-06T13:50", "2026-11-09T13:50", "1 hari"),  # Fri afternoon is 480 minutes
        ("2026-11-27T16:20", "2026-11-30T16:00", "1 hari"),  # due at Monday's closing
        ("2026-11-05T14:00", "2026-11-06T14:20", "1 hari 20 menit"),  # 20 minutes late
        ("2026-02-23T08:00", "2026-02-24T08:30", "1 hari 30 menit"),  # a Ramadan day: 390
        ("2026-11-05T14:00", "2026-11-06T09:00", "3 jam 30 menit"),
    ],
)
def test_time_taken_at_a_hari_step_counts_its_days_as_the_tenggat_does(began, moved, shown):
    """`1 hari` (laporan-bulanan step 1): a stay that ends at its Tenggat took 1 hari, one
    a few minutes later 1 hari and those minutes, whatever the length of the days between."""
    m = measure(
        [entry(began, "H", LB, None, 1), entry(moved, "H", LB, 1, 2)],
        CATALOG,
        CALENDAR,
        SEMESTER_I if began < "2026-07" else SEMESTER_II,
        NOW,
    )
    figures = step(m, LB, 1)
    assert format_working(figures.median, CALENDAR.day_minutes) == shown
    assert (figures.slowness > 1) == (figures.within == 0)


@settings(max_examples=150, deadline=None)
@given(
    st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 20)),
    st.integers(-900, 900),
    st.sampled_from([1, 2, 3]),
)
def test_a_hari_step_reads_over_its_mutu_baku_exactly_when_it_was_late(began, off, days):
    """Across weekends, holidays, Fridays and Ramadan: time taken above Mutu Baku if and only
    if the move came after the Tenggat (in working time; after a closing time, at least)."""
    waktu = Duration(days, "hari")
    raw = CATALOG.get(LB).model_dump()
    raw["steps"][0]["waktu"] = str(waktu)
    changed = Procedure.model_validate(raw)
    catalog = Catalog({**CATALOG.procedures, LB: changed})
    start = began.replace(tzinfo=WIB)
    end = max(start, CALENDAR.add(start, waktu) + timedelta(minutes=off))  # near its Tenggat
    history = [entry(start, "H", LB, None, 1), entry(end, "H", LB, 1, 2)]
    period = Period(date(2026, 1, 1), date(2027, 12, 31))
    m = measure(history, catalog, CALENDAR, period, end + timedelta(days=1))
    figures = step(m, LB, 1)
    late = end > CALENDAR.add(start, waktu)
    assert figures.within == (0 if late else 1)
    if CALENDAR.is_working_time(end):
        assert (figures.median > figures.standard_minutes) == late
    else:  # after a closing time that the Tenggat's clock time passed: late, no minute more
        assert (figures.median >= figures.standard_minutes) == late


# --- migrations and versions (DESIGN §9) -------------------------------------------------------


def _older(change) -> Procedure:
    """laporan-bulanan as it was before an edit: ``change`` applied to its steps."""
    data = CATALOG.get(LB).model_dump(exclude={"identity"})
    change(data["steps"])
    return build_procedure(data, "lama.yaml")


def _migration(when: str, doc: str, source: int, target: int, old: str) -> HistoryEntry:
    note = migration_note(old, CATALOG.get(LB), source, target)
    return replace(entry(when, doc, LB, source, target, EntryKind.MIGRATED), note=note)


def test_a_migration_is_no_move_and_the_stay_runs_from_when_the_step_was_reached():
    walk = [
        entry("2026-11-30T08:00", "M", LB, None, 2),
        entry("2026-11-30T09:00", "M", LB, 2, 3),
        _migration("2026-11-30T10:00", "M", 3, 4, old="00aa00aa"),
        entry("2026-11-30T10:30", "M", LB, 4, 5),
    ]
    figures = measure(walk, CATALOG, CALENDAR, SEMESTER_II, at("2026-12-01T08:00"))
    assert step(figures, LB, 3).moves == 0  # the migration moved nothing out of step 3
    assert step(figures, LB, 4).times == (90.0,)  # at the work since 09.00, renumbered 4
    assert step(figures, LB, 2).times == (60.0,)
    assert step(figures, LB, 5).moves == 0 and figures.skipped == 0
    assert next(p for p in figures.procedures if p.procedure.code == LB).load.open == 1


def test_stays_on_an_older_version_count_only_where_the_step_means_the_same():
    # The older version: step 2 the same work; step 3 reviewed by the Sekcam.
    older = _older(lambda steps: steps[2].update(actor="Sekcam"))
    walk = [
        entry("2026-11-30T08:00", "M", LB, None, 2),
        entry("2026-11-30T09:00", "M", LB, 2, 3),
        _migration("2026-11-30T10:00", "M", 3, 3, old=older.version),
        entry("2026-11-30T10:30", "M", LB, 3, 4),
        entry("2026-11-30T08:00", "O", LB, None, 2),  # still on the older version
        entry("2026-11-30T08:30", "O", LB, 2, 3),
        entry("2026-11-30T08:40", "O", LB, 3, 4),
    ]
    now = at("2026-12-01T08:00")
    kept = Pins(
        {"M": CATALOG.get(LB).version, "O": older.version}, Versions({(LB, older.version): older})
    )
    figures = measure(walk, CATALOG, CALENDAR, SEMESTER_II, now, kept)
    assert step(figures, LB, 2).times == (30.0, 60.0)  # the same work on both versions
    assert step(figures, LB, 3).times == (90.0,)  # M's, migrated; O's review was the Sekcam's
    assert figures.skipped == 1
    forgotten = Pins({"M": CATALOG.get(LB).version, "O": older.version})  # its steps let go
    figures = measure(walk, CATALOG, CALENDAR, SEMESTER_II, now, forgotten)
    assert step(figures, LB, 2).moves == 0 and step(figures, LB, 3).times == (90.0,)
    assert figures.skipped == 4  # M's and O's stays at 2, O's at 3, O open at 4
