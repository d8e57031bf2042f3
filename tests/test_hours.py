"""Working hours by date (DESIGN.md §3 v2): dated spans, and Ramadan on by default.

Dates checked by hand (new moons from the eclipse and lunation tables, and the ``holidays``
package, ``ID``, in Indonesian):

- Ramadan 1447 H by the Umm al-Qura calendar: Wednesday 18 February 2026 to Thursday
  19 March 2026 (30 days), 1 Syawal on Friday 20 March. The new moon of 17 February 2026
  (12.01 UTC, the annular eclipse) came before sunset in Mecca, so 1 Ramadan is the 18th;
  in Indonesia it came after sunset (19.01 WIB), so the government's 1 Ramadan was the
  19th, and its Idul Fitri 1447 is Saturday 21 March 2026 (``holidays``: "Hari Raya Idul
  Fitri"): Ramadan 19 February to 20 March, the case ``[[calendar.ramadan.dates]]`` is for.
- Ramadan 1448 H: Monday 8 February 2027 (the new moon of 6 February, 15.56 UTC, after
  sunset in Mecca) to Monday 8 March 2027 (29 days), 1 Syawal on Tuesday 9 March; the
  ``holidays`` estimate of Idul Fitri is Wednesday 10 March, a day later again. 8 March is
  Nyepi and 9 March cuti bersama, so no working day differs.
- The days off around them (``holidays``): 16 February 2026 cuti bersama Imlek, 17 February
  Imlek; 18 March cuti bersama Nyepi, 19 March Nyepi, 20, 23 and 24 March cuti bersama Idul
  Fitri, 21-22 March Idul Fitri. In 2027: 5 February cuti bersama Imlek, 6 February Imlek
  (a Saturday); 8 March Nyepi, 9 March cuti bersama, 10-11 March Idul Fitri, 12 and 15 March
  cuti bersama.

So the last working afternoon before Ramadan is Friday 13 February 2026 and Thursday
4 February 2027, and the last working day in Ramadan Tuesday 17 March 2026 and Friday
5 March 2027. The repo's earlier calendar tests all fall outside these Ramadans
(November 2026 to January 2027, 1 June 2027), so none of them changes.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_models import load_catalog
from sop_models.duration import Duration
from syncer.calendar import WorkingCalendar
from syncer.config import Config
from syncer.engine import Rules, StaffRow, decide_rows
from syncer.hours import DEFAULT_WEEK, RAMADAN_WEEK, DateSpan, HoursSpan, Week, umm_al_qura_ramadan
from tests.sheets import XlsxSheet
from tests.test_calendar import config_errors
from tests.test_calendar_cli import step_with

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
CAL = WorkingCalendar()
NO_RAMADAN = WorkingCalendar(ramadan=None)


def dt(text: str, zone: ZoneInfo = WIB) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def due(start: str, waktu: str, cal: WorkingCalendar = CAL) -> datetime:
    duration = Duration.parse(waktu)
    assert duration is not None
    return cal.add(datetime.fromisoformat(start), duration)


def configured(**calendar: object) -> WorkingCalendar:
    return Config.model_validate({"calendar": calendar}).calendar.build()


def week_minutes(cal: WorkingCalendar, monday: str) -> float:
    start = datetime.fromisoformat(monday)
    return cal.working_minutes(start, start + timedelta(days=7))


# --------------------------------------------------------------- Ramadan dates


def test_ramadan_runs_from_1_ramadan_to_its_last_day_by_umm_al_qura() -> None:
    assert umm_al_qura_ramadan(1447) == DateSpan(date(2026, 2, 18), date(2026, 3, 19))
    assert umm_al_qura_ramadan(1448) == DateSpan(date(2027, 2, 8), date(2027, 3, 8))
    idul_fitri = {
        day
        for day, name in holidays.country_holidays(
            "ID", categories=("public",), years=(2026, 2027), language="id"
        ).items()
        if name.startswith("Hari Raya Idul Fitri")
    }
    # the government's Idul Fitri: a day after Umm al-Qura's 1 Syawal, both years
    assert idul_fitri == {date(2026, 3, 21), date(2027, 3, 10)}


@pytest.mark.parametrize(
    ("day", "minutes"),
    [
        ("2026-02-13", 450),  # Friday before Ramadan 1447: normal hours
        ("2026-02-18", 390),  # Wednesday 1 Ramadan 1447: 08-12 and 12.30-15
        ("2026-02-20", 390),  # Friday in Ramadan: 08-11.30 and 12.30-15.30
        ("2026-03-17", 390),  # the last working day in Ramadan 1447
        ("2026-03-25", 450),  # after Lebaran
        ("2027-02-04", 450),
        ("2027-02-08", 390),  # Monday 1 Ramadan 1448
        ("2027-03-05", 390),
        ("2027-03-16", 450),
    ],
)
def test_a_ramadan_day_has_the_circulars_hours(day: str, minutes: int) -> None:
    start = datetime.fromisoformat(day)
    assert CAL.working_minutes(start, start + timedelta(days=1)) == minutes


def test_ramadan_weeks_count_32_5_hours_without_any_configuration() -> None:
    calendar = Config().calendar.build()
    assert week_minutes(calendar, "2026-02-23") == week_minutes(calendar, "2027-02-15") == 1950
    assert week_minutes(calendar, "2026-11-30") == 2250
    assert week_minutes(NO_RAMADAN, "2026-02-23") == 2250


# ------------------------------------------------- deadlines around Ramadan, by hand


@pytest.mark.parametrize(
    ("start", "waktu", "expected"),
    [
        # 2026: 60 minutes on Friday to 16.30, 16-17 Feb off, Ramadan opens at 08.00
        ("2026-02-13 15:30", "2 jam", "2026-02-18 09:00"),
        # 1 hari from the Friday: its first day closes at 15.00 (normal hours: 15.20)
        ("2026-02-13 15:20", "1 hari", "2026-02-18 15:00"),
        ("2026-02-13 07:40", "1 hari", "2026-02-18 08:00"),  # before Ramadan's opening
        ("2026-02-13 10:00", "1 hari", "2026-02-18 10:00"),
        ("2026-02-18 14:30", "1 hari", "2026-02-19 14:30"),  # begun on its first day
        ("2026-02-18 07:45", "30 menit", "2026-02-18 08:30"),
        ("2026-02-18 11:50", "30 menit", "2026-02-18 12:50"),  # over the 12.00-12.30 break
        # the break rule (§3) under Ramadan hours: Friday's break is 11.30-12.30
        ("2026-02-26 11:45", "1 hari", "2026-02-27 11:30"),
        ("2026-02-26 12:15", "1 hari", "2026-02-27 12:30"),  # begun in Thursday's break
        ("2026-02-26 14:45", "1 hari", "2026-02-27 14:45"),  # Friday closes at 15.30
        ("2026-02-27 15:20", "1 hari", "2026-03-02 15:00"),  # Monday closes at 15.00
        # the last Ramadan afternoon: 30 minutes to 15.00, 18-24 Mar off, then 07.30 + 90
        ("2026-03-17 14:30", "2 jam", "2026-03-25 09:00"),
        ("2026-03-17 10:00", "1 hari", "2026-03-25 10:00"),
        # 2027: 60 minutes on Thursday to 16.00, 5 Feb cuti bersama, Ramadan opens at 08.00
        ("2027-02-04 15:00", "2 jam", "2027-02-08 09:00"),
        ("2027-02-04 15:30", "1 hari", "2027-02-08 15:00"),
        ("2027-02-11 11:45", "1 hari", "2027-02-12 11:30"),  # the break rule again
        # the last Ramadan Friday: 60 minutes to 15.30, 8-15 Mar off, then 07.30 + 60
        ("2027-03-05 14:30", "2 jam", "2027-03-16 08:30"),
        ("2027-03-05 15:20", "1 hari", "2027-03-16 15:20"),
    ],
)
def test_deadlines_around_ramadan(start: str, waktu: str, expected: str) -> None:
    assert due(start, waktu) == dt(expected)


def test_the_government_dates_replace_umm_al_qura_for_that_year() -> None:
    isbat = configured(ramadan={"dates": [{"from": "2026-02-19", "until": date(2026, 3, 20)}]})
    assert due("2026-02-13 15:30", "2 jam", isbat) == dt("2026-02-18 08:30")  # normal hours
    # 30 minutes on Wednesday to 16.00, Thursday is 1 Ramadan: 08.00 + 90
    assert due("2026-02-18 15:30", "2 jam", isbat) == dt("2026-02-19 09:30")
    assert due("2027-02-04 15:00", "2 jam", isbat) == dt("2027-02-08 09:00")  # 2027 as before


def test_ramadan_hours_can_be_changed_or_turned_off() -> None:
    longer = configured(
        ramadan={"periods": {day: ["08:00-14:00"] for day in ("monday", "wednesday", "friday")}}
    )
    assert due("2026-02-13 15:20", "1 hari", longer) == dt("2026-02-18 14:00")
    assert not longer.is_working_day(date(2026, 2, 19))  # a Thursday the week leaves out
    assert longer.is_working_day(date(2026, 2, 12))  # outside Ramadan: the default week
    off = configured(ramadan={"enabled": False})
    assert off == NO_RAMADAN
    assert due("2026-02-13 15:30", "2 jam", off) == dt("2026-02-18 08:30")
    assert due("2026-02-13 15:20", "1 hari", off) == dt("2026-02-18 15:20")


@pytest.mark.parametrize(
    ("ramadan", "words"),
    [
        (
            {"dates": [{"from": "2026-05-01", "until": "2026-05-30"}]},
            [
                "calendar.ramadan: ramadan dates from 2026-05-01 until 2026-05-30 are not within "
                "3 days of Ramadan 1447 H by the Umm al-Qura calendar (from 2026-02-18 until "
                "2026-03-19)"
            ],
        ),
        (  # 2030 has two Ramadans: the one named is the nearest, not the year's first
            {"dates": [{"from": "2030-12-20", "until": "2031-01-24"}]},
            ["3 days of Ramadan 1452 H by the Umm al-Qura calendar (from 2030-12-26 until"],
        ),
        (
            {"dates": [{"from": "2031-01-02", "until": "2031-01-30"}]},
            ["3 days of Ramadan 1452 H by the Umm al-Qura calendar (from 2030-12-26 until"],
        ),
        (
            {"dates": [{"from": "2026-03-20", "until": "2026-02-19"}]},
            ["calendar.ramadan.dates.0: from 2026-03-20 until 2026-02-19: 'until' is before"],
        ),
        (
            {
                "dates": [
                    {"from": "2026-02-19", "until": "2026-03-20"},
                    {"from": "2026-02-18", "until": "2026-03-19"},
                ]
            },
            ["the same Ramadan (1447 H)"],
        ),
        ({"dates": [{"from": "2026-02-19"}]}, ["calendar.ramadan.dates.0.until: Field required"]),
        (
            {"dates": [{"from": "19-02-2026", "until": "2026-03-20"}]},
            ["calendar.ramadan.dates.0.from: '19-02-2026' is not a date: write 2026-02-19"],
        ),
        ({"periods": {"friday": ["13:00-12:00"]}}, ["calendar.ramadan.periods: friday: "]),
        ({"enabled": "kadang"}, ["calendar.ramadan.enabled"]),
    ],
)
def test_ramadan_configuration_mistakes_are_named(ramadan: dict, words: list[str]) -> None:
    message = config_errors(ramadan=ramadan)
    for word in words:
        assert word in message, (word, message)


# ---------------------------------------------------------------- dated spans

CONTINUOUS = Week((((time(8), time(15)),),) * 5 + ((), ()))  # 08-15 Monday to Friday
SPAN_HOURS = {day: ["08:00-15:00"] for day in ("monday", "tuesday", "wednesday", "thursday")}
SPAN_HOURS["friday"] = ["08:00-15:00"]


def test_a_span_gives_its_days_their_own_week() -> None:
    june = configured(spans=[{"from": "2027-06-07", "until": "2027-07-02", "periods": SPAN_HOURS}])
    assert june.spans == (HoursSpan(DateSpan(date(2027, 6, 7), date(2027, 7, 2)), CONTINUOUS),)
    assert due("2027-06-08 14:30", "1 jam", june) == dt("2027-06-09 08:30")
    assert due("2027-06-09 11:00", "2 jam", june) == dt("2027-06-09 13:00")  # no break
    # across the span's first day: 60 minutes to 16.30 on Friday 4 June, then 08.00 + 60
    assert due("2027-06-04 15:30", "2 jam", june) == dt("2027-06-07 09:00")
    # across its last day: 60 minutes to 15.00 on Friday 2 July, then 07.30 + 60
    assert due("2027-07-02 14:00", "2 jam", june) == dt("2027-07-05 08:30")
    assert due("2027-07-02 14:30", "1 hari", june) == dt("2027-07-05 14:30")
    # begun after the span's closing time: from Monday's opening (07.30), then a day
    assert due("2027-07-02 15:30", "1 hari", june) == dt("2027-07-06 07:30")


def test_a_change_of_hours_leaves_running_deadlines_in_place() -> None:
    """The issue's WITA row: its Tenggat jumped from 09.00 to 10.00 when the week was replaced."""
    days = ("monday", "tuesday", "wednesday", "thursday")
    later = {day: ["08:30-12:00", "13:00-16:00"] for day in days}  # opening 08.30 from then on
    later["friday"] = ["08:30-11:30", "13:00-16:30"]
    base = configured(zone="Asia/Makassar")
    from_next_week = configured(
        zone="Asia/Makassar",
        spans=[{"from": "2026-12-07", "until": "2027-06-30", "periods": later}],
    )
    replaced = configured(zone="Asia/Makassar", periods=later)
    start = "2026-11-30 15:30"
    assert due(start, "2 jam", base) == dt("2026-12-01 09:00", WITA)
    assert due(start, "2 jam", from_next_week) == dt("2026-12-01 09:00", WITA)
    assert due(start, "2 jam", replaced) == dt("2026-12-01 10:00", WITA)  # the old way


def test_ramadan_hours_win_over_a_span() -> None:
    span = {"from": "2026-02-02", "until": "2026-02-27", "periods": SPAN_HOURS}
    office = configured(spans=[span])
    assert due("2026-02-12 14:00", "1 jam", office) == dt("2026-02-12 15:00")  # the span's week
    assert due("2026-02-13 14:30", "1 jam", office) == dt("2026-02-18 08:30")
    assert due("2026-02-19 14:30", "1 jam", office) == dt("2026-02-20 08:30")  # Ramadan's


@pytest.mark.parametrize(
    ("spans", "words"),
    [
        (
            [
                {"from": "2027-01-25", "until": "2027-02-05", "periods": SPAN_HOURS},
                {"from": "2027-01-04", "until": "2027-01-29", "periods": SPAN_HOURS},
            ],
            [
                "calendar: spans from 2027-01-04 until 2027-01-29 and from 2027-01-25 until "
                "2027-02-05 overlap on 2027-01-25"
            ],
        ),
        (
            [{"from": "2027-01-29", "until": "2027-01-04", "periods": SPAN_HOURS}],
            ["calendar.spans.0: from 2027-01-29 until 2027-01-04: 'until' is before 'from'"],
        ),
        (
            [{"from": "2027-01-04", "until": "2027-01-29", "periods": {"jumat": ["08:00-11:00"]}}],
            ["calendar.spans.0.periods: 'jumat' is not a weekday; use one of monday"],
        ),
        (
            [{"from": "2027-01-04", "until": "2027-01-29", "periods": {"friday": ["8-11"]}}],
            ["calendar.spans.0.periods: friday: '8-11' is not a working period; write 'HH:MM"],
        ),
        (
            [{"from": "2027-01-04", "until": "2027-01-29", "periods": {"monday": ["14:00-08:00"]}}],
            ["calendar.spans.0.periods: monday: '14:00-08:00' ends before it starts"],
        ),
        (
            [{"from": "2027-01-04", "until": "2027-01-29"}],
            ["calendar.spans.0.periods: Field required"],
        ),
        (
            [{"from": "04/01/2027", "until": "2027-01-29", "periods": SPAN_HOURS}],
            ["calendar.spans.0.from: '04/01/2027' is not a date: write 2027-01-04"],
        ),
    ],
)
def test_span_mistakes_name_the_span_and_the_value(spans: list, words: list[str]) -> None:
    message = config_errors(spans=spans)
    for word in words:
        assert word in message, (word, message)


def test_a_span_without_working_periods_closes_the_office() -> None:
    closed = configured(spans=[{"from": "2026-12-07", "until": "2026-12-11", "periods": {}}])
    assert due("2026-12-04 16:00", "1 jam", closed) == dt("2026-12-14 08:00")


def test_the_commented_calendar_examples_load() -> None:
    text = (Path(__file__).parents[1] / "config" / "sopsync.toml").read_text()
    section = text[text.index("[calendar]") : text.index("[people]")]
    examples = re.sub(r"^# (?=(?!extra_holidays)[a-z_]+ = |\[)", "", section, flags=re.MULTILINE)
    calendar = Config.model_validate(tomllib.loads(examples)).calendar.build()
    assert [span.dates for span in calendar.spans] == [
        DateSpan(date(2027, 1, 4), date(2027, 6, 30))
    ]
    assert calendar.ramadan is not None and calendar.ramadan.week == RAMADAN_WEEK
    assert calendar.ramadan.dates == (DateSpan(date(2026, 2, 19), date(2026, 3, 20)),)


# ------------------------------------------------------------------ properties

WEEKS = (
    DEFAULT_WEEK,
    RAMADAN_WEEK,
    CONTINUOUS,
    Week(((),) * 7),  # closed
    Week((((time(8), time(12)),),) * 6 + ((),)),  # Monday to Saturday mornings
    Week(
        (
            *(((time(9), time(12, 30)), (time(13, 30), time(17))),) * 4,
            ((time(9), time(11)), (time(14), time(17))),
            (),
            (),
        )
    ),
)
FIRST, LAST = date(2026, 1, 1), date(2027, 12, 31)


@st.composite
def dated_spans(draw: st.DrawFn) -> tuple[HoursSpan, ...]:
    count = draw(st.integers(0, 3))
    days = sorted(
        draw(st.lists(st.dates(FIRST, LAST), min_size=2 * count, max_size=2 * count, unique=True))
    )
    return tuple(
        HoursSpan(DateSpan(days[2 * n], days[2 * n + 1]), draw(st.sampled_from(WEEKS)))
        for n in range(count)
    )


calendars = st.builds(
    lambda spans, ramadan: WorkingCalendar(spans=spans, ramadan=ramadan),
    dated_spans(),
    st.sampled_from([CAL.ramadan, None]),
)
moments = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31, 23, 59))
waktu = st.one_of(
    st.builds(Duration, st.integers(1, 600), st.just("menit")),
    st.builds(Duration, st.integers(1, 40), st.just("jam")),
    st.builds(Duration, st.integers(1, 10), st.just("hari")),
)
RAMADAN_1447_1449 = (
    (date(2026, 2, 18), date(2026, 3, 19)),
    (date(2027, 2, 8), date(2027, 3, 8)),
    (date(2028, 1, 28), date(2028, 2, 25)),
)
DAYS_OFF = holidays.country_holidays(
    "ID", categories=("public", "government"), years=range(2026, 2034)
)


def reference_periods(cal: WorkingCalendar, day: date) -> tuple:
    """A day's periods by a plain reading of §3: days off none, then Ramadan, a span, the week."""
    if day in DAYS_OFF:
        return ()
    if cal.ramadan is not None and any(a <= day <= b for a, b in RAMADAN_1447_1449):
        return RAMADAN_WEEK.days[day.weekday()]
    for span in cal.spans:
        if span.dates.first <= day <= span.dates.last:
            return span.week.days[day.weekday()]
    return DEFAULT_WEEK.days[day.weekday()]


@settings(max_examples=150, deadline=None)
@given(calendars, moments, st.integers(0, 60 * 24 * 30))
def test_working_minutes_follow_each_days_own_hours(
    cal: WorkingCalendar, start: datetime, span: int
) -> None:
    begin = start.replace(tzinfo=WIB)
    end = begin + timedelta(minutes=span)
    total = timedelta()
    day = begin.date()
    while day <= end.date():
        for open_, close in reference_periods(cal, day):
            low = max(begin, datetime.combine(day, open_, WIB))
            high = min(end, datetime.combine(day, close, WIB))
            total += max(high - low, timedelta())
        day += timedelta(days=1)
    assert cal.working_minutes(begin, end) == pytest.approx(total / timedelta(minutes=1))


@settings(max_examples=150, deadline=None)
@given(calendars, moments, waktu)
def test_a_due_time_is_inside_its_days_hours_and_inverts_working_minutes(
    cal: WorkingCalendar, start: datetime, duration: Duration
) -> None:
    result = cal.add(start, duration)
    periods = reference_periods(cal, result.date())
    assert any(a <= result.time() <= b for a, b in periods), (result, periods)
    if duration.minutes is not None:
        assert cal.working_minutes(start, result) == duration.minutes


@settings(max_examples=150, deadline=None)
@given(calendars, moments, waktu, dated_spans())
def test_hours_outside_a_step_do_not_move_its_deadline(
    cal: WorkingCalendar, start: datetime, duration: Duration, extra: tuple[HoursSpan, ...]
) -> None:
    """A change of hours before the step began or after it is due leaves the deadline put."""
    result = cal.add(start, duration)
    begun = start.date()
    outside = tuple(
        span
        for span in extra
        if (span.dates.last < begun or span.dates.first > result.date())
        and not any(span.dates.overlaps(own.dates) for own in cal.spans)
    )
    changed = WorkingCalendar(spans=cal.spans + outside, ramadan=cal.ramadan)
    assert changed.add(start, duration) == result


CATALOG = load_catalog()
TIMED_STEPS = [
    (code, step.number)
    for code, proc in CATALOG.procedures.items()
    for step in proc.steps
    if step.duration is not None
]


@settings(max_examples=100, deadline=None)
@given(
    calendars,
    moments,
    st.sampled_from(TIMED_STEPS),
    st.lists(st.integers(1, 60 * 24 * 120), min_size=1, max_size=6),
)
def test_the_tenggat_is_the_same_at_every_later_cycle(
    cal: WorkingCalendar, start: datetime, step: tuple[str, int], later: list[int]
) -> None:
    """The engine's Tenggat depends on Mulai, Waktu and the calendar, never on ``now``."""
    rules = Rules(CATALOG, cal)
    row = StaffRow(2, "DOK-1", step[0], step[1], "uji")
    begun = start.replace(tzinfo=WIB)
    first = decide_rows(rules, [row], {}, begun)
    tenggat = first.outcomes[0].cells.tenggat
    assert tenggat is not None
    for minutes in sorted(later):
        now = begun + timedelta(minutes=minutes)
        cells = decide_rows(rules, [row], first.records, now).outcomes[0].cells
        assert (cells.mulai, cells.tenggat) == (begun, tenggat)
    # a calendar that has answered nothing else yet gives the same deadline
    fresh = WorkingCalendar(spans=cal.spans, ramadan=cal.ramadan)
    waktu_of_step = CATALOG.procedures[step[0]].step(step[1]).duration
    assert waktu_of_step is not None
    assert fresh.add(begun, waktu_of_step) == tenggat


# ------------------------------------------------------------------ how late, in days


@pytest.mark.parametrize(
    ("due_at", "now", "days", "minutes"),
    [
        ("2026-02-23 10:00", "2026-02-24 10:00", 1, 0),  # a Ramadan day: 390 minutes
        ("2026-02-23 10:00", "2026-02-24 09:00", 0, 330),
        ("2026-02-23 10:00", "2026-02-25 13:00", 2, 150),
        ("2026-11-30 10:00", "2026-12-01 10:00", 1, 0),  # a usual day: 450 minutes
        ("2026-11-30 16:00", "2026-12-01 16:00", 1, 0),  # due at the closing time
        ("2026-11-27 14:00", "2026-11-30 13:40", 1, 10),  # 460 minutes from a Friday
        ("2026-12-23 10:00", "2027-01-04 11:00", 5, 60),  # over Natal and the new year
        # from the last usual day into Ramadan: each day counts its share of its own hours
        ("2026-02-13 10:00", "2026-02-18 10:00", 0, 420),
        ("2026-02-13 10:00", "2026-02-18 11:00", 1, 50),  # a third of Wednesday: 10.10
        ("2026-11-30 10:00", "2026-11-30 09:00", 0, 0),  # not late
    ],
)
def test_lateness_counts_the_working_days_it_covers(
    due_at: str, now: str, days: int, minutes: float
) -> None:
    assert CAL.days_and_minutes(dt(due_at), dt(now)) == (days, minutes)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([NO_RAMADAN, WorkingCalendar(week=RAMADAN_WEEK)]),
    moments,
    st.integers(0, 60 * 24 * 60),
)
def test_with_days_of_one_length_lateness_is_minutes_divided_by_a_day(
    cal: WorkingCalendar, start: datetime, span: int
) -> None:
    begin = start.replace(tzinfo=WIB)
    end = begin + timedelta(minutes=span)
    total = max(cal.working_minutes(begin, end), 0.0)
    days, minutes = cal.days_and_minutes(begin, end)
    assert days == int(total / cal.day_minutes + 1e-9)
    assert minutes == pytest.approx(total - days * cal.day_minutes, abs=1e-6)


# ------------------------------------------------------------- through the CLI
# (Ramadan on both backends: tests/test_calendar_cli.py)


def test_the_isbat_dates_through_sync(tmp_path) -> None:
    config = "[[calendar.ramadan.dates]]\nfrom = 2026-02-19\nuntil = 2026-03-20\n"
    sheet = XlsxSheet(tmp_path, config)
    code, number = step_with("1 hari")
    sheet.add_rows({"Prosedur": code, "Judul": "isbat", "Langkah": number})
    assert sheet.sync("2026-02-18T15:20").code == 0
    row = next(r for r in sheet.table() if r["Judul"] == "isbat")
    assert row["Tenggat"] == datetime(2026, 2, 19, 15, 0)  # 1 Ramadan by the isbat closes at 15.00


def test_a_bad_span_stops_sync_with_one_sentence(tmp_path) -> None:
    sheet = XlsxSheet(
        tmp_path,
        "[[calendar.spans]]\nfrom = 2027-01-29\nuntil = 2027-01-04\n"
        '[calendar.spans.periods]\nmonday = ["08:00-15:00"]\n',
    )
    result = sheet.sync("2026-11-30T08:00")
    assert result.code == 2
    assert "spans" in result.err
    assert "from 2027-01-29 until 2027-01-04: 'until' is before 'from'" in result.err
    assert "Traceback" not in result.err
