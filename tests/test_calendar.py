"""Working calendar (DESIGN.md section 3): the default week, zones, days off, configuration.

Dated hours and Ramadan are in test_hours.py, the office's own dates in test_kalender.py.
"""

from __future__ import annotations

import re
import time as time_module
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sop_models.duration import Duration
from syncer.calendar import NoWorkingTime, WorkingCalendar
from syncer.config import Config
from syncer.hours import DEFAULT_WEEK, RAMADAN_WEEK, Week

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
CAL = WorkingCalendar()
DEFAULT_PERIODS = DEFAULT_WEEK.days


def configured(**calendar: object) -> WorkingCalendar:
    """The calendar a ``[calendar]`` section with these keys describes."""
    return Config.model_validate({"calendar": calendar}).calendar.build()


def config_errors(**calendar: object) -> str:
    """``key: what is wrong`` for each mistake in a ``[calendar]`` section with these keys.

    The key is where pydantic puts the error; the text, our validators' own sentence
    (pydantic's message for its own checks), whatever the CLI's layout of the two.
    """
    with pytest.raises(ValidationError) as raised:
        Config.model_validate({"calendar": calendar})
    lines = []
    for err in raised.value.errors(include_url=False):
        error = err.get("ctx", {}).get("error")
        text = str(error) if err["type"] == "value_error" and error else err["msg"]
        lines.append(f"{'.'.join(map(str, err['loc']))}: {text}")
    return "\n".join(lines)


def dt(text: str, zone: ZoneInfo = WIB) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def due(start: str, waktu: str, cal: WorkingCalendar = CAL) -> datetime:
    return cal.add(datetime.fromisoformat(start), Duration.parse(waktu))


# --------------------------------------------------------------- DESIGN §3


@pytest.mark.parametrize(
    ("start", "waktu", "expected"),
    [
        ("2026-12-23 10:00", "1 hari", "2026-12-28 10:00"),
        ("2026-11-27 16:20", "1 hari", "2026-11-30 16:00"),
        ("2026-11-28 09:00", "1 hari", "2026-12-01 07:30"),
        ("2026-11-30 15:30", "2 jam", "2026-12-01 09:00"),
        ("2026-11-30 11:50", "30 menit", "2026-11-30 13:20"),
        ("2026-11-27 16:20", "15 menit", "2026-11-30 07:35"),
    ],
)
def test_design_worked_examples(start: str, waktu: str, expected: str) -> None:
    result = due(start, waktu)
    assert result == dt(expected)
    assert result.tzinfo is WIB
    assert result.replace(tzinfo=None) == datetime.fromisoformat(expected)


@pytest.mark.parametrize(
    ("start", "waktu", "expected"),
    [
        # minutes running out exactly at a closing time: that closing time
        ("2026-11-30 15:30", "30 menit", "2026-11-30 16:00"),
        ("2026-11-30 11:30", "30 menit", "2026-11-30 12:00"),
        ("2026-11-27 16:00", "30 menit", "2026-11-27 16:30"),
        # a start at a closing time counts from the next opening
        ("2026-11-30 12:00", "1 menit", "2026-11-30 13:01"),
        # a whole week of minutes
        ("2026-11-30 07:30", "2250 menit", "2026-12-04 16:30"),
        ("2026-11-30 07:30", "38 jam", "2026-12-07 08:00"),
        # hari: clock time in the target day's break -> the start of that break (§3)
        ("2026-11-26 11:50", "1 hari", "2026-11-27 11:30"),
        ("2026-11-26 11:45", "1 hari", "2026-11-27 11:30"),
        ("2026-11-26 11:59", "1 hari", "2026-11-27 11:30"),  # the break's last minute
        ("2026-11-26 11:29", "1 hari", "2026-11-27 11:29"),  # before Friday's break
        ("2026-11-26 12:59", "1 hari", "2026-11-27 13:00"),  # begun in Thursday's break
        # hari: a start in the lunch break begins at the afternoon opening
        ("2026-11-30 12:30", "1 hari", "2026-12-01 13:00"),
        # hari: a start exactly at the closing time begins the next morning
        ("2026-11-30 16:00", "1 hari", "2026-12-02 07:30"),
        # hari: the Friday 16:20 is kept on a Friday
        ("2026-11-20 16:20", "5 hari", "2026-11-27 16:20"),
        # hari: over Christmas and New Year 2026/27 (31 Dec is a working day)
        ("2026-12-23 10:00", "3 hari", "2026-12-30 10:00"),
        ("2026-12-23 10:00", "5 hari", "2027-01-04 10:00"),
    ],
)
def test_boundaries_and_generalisations(start: str, waktu: str, expected: str) -> None:
    assert due(start, waktu) == dt(expected)


def test_hari_before_the_target_days_first_opening() -> None:
    late_friday = configured(
        periods={
            "monday": ["07:30-12:00", "13:00-16:00"],
            "thursday": ["07:30-12:00", "13:00-16:00"],
            "friday": ["09:00-11:30"],
        }
    )
    assert due("2026-11-26 07:45", "1 hari", late_friday) == dt("2026-11-27 09:00")
    assert due("2026-11-26 15:00", "1 hari", late_friday) == dt("2026-11-27 11:30")
    assert due("2026-11-27 10:00", "1 hari", late_friday) == dt("2026-11-30 10:00")


def test_calendar_days_off() -> None:
    assert CAL.is_working_day(date(2026, 12, 23))
    assert not CAL.is_working_day(date(2026, 12, 24))  # cuti bersama
    assert not CAL.is_working_day(date(2026, 12, 25))  # Christmas
    assert not CAL.is_working_day(date(2026, 11, 28))  # Saturday
    assert not CAL.is_working_day(date(2026, 8, 17))  # Independence Day
    assert CAL.is_working_day(date(2026, 12, 31))
    assert CAL.day_minutes == 450


def test_next_working_start() -> None:
    inside = dt("2026-11-30 10:15:30")
    assert CAL.next_working_start(inside) == inside
    assert CAL.next_working_start(datetime(2026, 11, 30, 12, 0)) == dt("2026-11-30 13:00")
    assert CAL.next_working_start(datetime(2026, 11, 30, 6, 0)) == dt("2026-11-30 07:30")
    assert CAL.next_working_start(datetime(2026, 11, 27, 16, 30)) == dt("2026-11-30 07:30")
    assert CAL.next_working_start(datetime(2026, 12, 23, 16, 0)) == dt("2026-12-28 07:30")
    assert CAL.next_working_start(datetime(2026, 12, 31, 17, 0)) == dt("2027-01-04 07:30")
    assert CAL.next_working_start(datetime(2026, 11, 30, 12, 0)).tzinfo is WIB


def test_amount_below_one_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CAL.add(datetime(2026, 11, 30, 9), Duration(0, "menit"))


# ---------------------------------------------------------------- zones


def test_wita_office_uses_its_own_clock() -> None:
    wita = configured(zone="Asia/Makassar")
    result = due("2026-11-30 15:30", "2 jam", wita)
    assert result == dt("2026-12-01 09:00", WITA)
    assert result.tzinfo is WITA
    assert due("2026-11-28 09:00", "1 hari", wita) == dt("2026-12-01 07:30", WITA)


def test_aware_utc_start_is_converted_to_the_calendar_zone() -> None:
    wita = configured(zone="Asia/Makassar")
    start = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # 15:30 WITA, 14:30 WIB
    result = wita.add(start, Duration(2, "jam"))
    assert result == dt("2026-12-01 09:00", WITA)
    assert result.tzinfo is WITA
    assert result.astimezone(UTC) == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    # the same instant in a WIB office is an hour earlier on the wall clock
    assert CAL.add(start, Duration(2, "jam")) == dt("2026-12-01 08:00")
    # a start given in WIB, read by the WITA office
    assert wita.add(dt("2026-11-30 14:30"), Duration(30, "menit")) == dt("2026-11-30 16:00", WITA)
    # the Saturday example, given in UTC
    saturday = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 09:00 WITA
    assert wita.add(saturday, Duration(1, "hari")) == dt("2026-12-01 07:30", WITA)


def test_working_minutes_in_another_zone() -> None:
    wita = configured(zone="Asia/Makassar")
    start = datetime(2026, 11, 30, 4, 30, tzinfo=UTC)  # 12:30 WITA, 11:30 WIB
    end = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)  # 14:30 WITA, 13:30 WIB
    assert wita.working_minutes(start, end) == 90  # 13:00-14:30 WITA
    assert CAL.working_minutes(start, end) == 60  # 11:30-12:00 and 13:00-13:30 WIB


# ----------------------------------------------------------- configuration


def test_extra_holiday_pushes_the_due_date_by_one_working_day() -> None:
    assert due("2026-11-30 10:00", "1 hari") == dt("2026-12-01 10:00")
    office = configured(extra_holidays=[date(2026, 12, 1)])
    assert not office.is_working_day(date(2026, 12, 1))
    assert due("2026-11-30 10:00", "1 hari", office) == dt("2026-12-02 10:00")
    assert due("2026-11-30 15:30", "2 jam", office) == dt("2026-12-02 09:00")
    as_text = configured(extra_holidays=["2026-12-01"])
    assert as_text == office == WorkingCalendar(extra_holidays=frozenset({date(2026, 12, 1)}))


def test_holiday_categories_are_configurable() -> None:
    public_only = configured(holiday_categories=[" Public"])
    assert public_only.holiday_categories == ("public",)
    assert public_only.is_working_day(date(2026, 12, 24))  # cuti bersama counts as work
    assert not public_only.is_working_day(date(2026, 12, 25))
    none = configured(holiday_categories=[])
    assert none.is_working_day(date(2026, 12, 25))


def test_configured_periods_replace_the_whole_week() -> None:
    office = configured(
        zone="Asia/Jayapura",
        periods={"Monday": ["08:00-12:00"], "SATURDAY": ["10:30-12:30", "08.00 - 10.00"]},
        ramadan={"enabled": False},
    )
    assert office.zone == ZoneInfo("Asia/Jayapura")
    days = office.week.days
    assert days[0] == ((time(8), time(12)),)
    assert days[5] == ((time(8), time(10)), (time(10, 30), time(12, 30)))
    assert days[1] == days[4] == days[6] == ()
    assert office.is_working_day(date(2026, 11, 28))  # Saturday
    assert not office.is_working_day(date(2026, 12, 1))  # Tuesday
    assert office.day_minutes == 240
    start = datetime(2026, 11, 28, 9, 30)
    assert office.add(start, Duration(90, "menit")) == dt("2026-11-28 11:30", office.zone)
    assert office.add(start, Duration(3, "jam")) == dt("2026-11-30 08:30", office.zone)
    assert office.add(start, Duration(1, "hari")) == dt("2026-11-30 09:30", office.zone)


def test_configured_defaults_equal_the_default_calendar() -> None:
    assert configured() == CAL == Config().calendar.build()
    assert CAL.week == DEFAULT_WEEK and CAL.ramadan is not None
    assert CAL.ramadan.week == RAMADAN_WEEK and CAL.ramadan.dates == ()
    names = ["monday", "tuesday", "wednesday", "thursday"]
    week = {day: ["07:30-12:00", "13:00-16:00"] for day in names}
    week["friday"] = ["07:30-11:30", "13:00-16:30"]
    assert configured(periods=week) == CAL
    assert DEFAULT_WEEK.minutes == 37 * 60 + 30 and RAMADAN_WEEK.minutes == 32 * 60 + 30


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"zone": "Asia/Jakart"}, ["calendar.zone: 'Asia/Jakart'", "Asia/Makassar"]),
        ({"zone": ""}, ["''", "IANA"]),
        ({"periods": {"monday": ["7:30-"]}}, ["calendar.periods: monday: '7:30-'", "HH:MM-HH:MM"]),
        ({"periods": {"Tuesday": ["07:30 to 12:00"]}}, ["tuesday", "'07:30 to 12:00'"]),
        ({"periods": {"friday": ["25:00-26:00"]}}, ["friday", "'25:00-26:00'", "00-23"]),
        ({"periods": {"monday": [730]}}, ["monday", "730", "HH:MM-HH:MM"]),
        (
            {"periods": {"friday": ["13:00-12:00"]}},
            ["calendar.periods: friday: '13:00-12:00' ends before it starts; write 'HH:MM-HH:MM'"],
        ),
        ({"periods": {"monday": ["09:00-09:00"]}}, ["monday", "'09:00-09:00'", "empty"]),
        (
            {"periods": {"thursday": ["07:30-12:00", "11:00-13:00"]}},
            ["thursday", "'07:30-12:00'", "'11:00-13:00'", "overlap"],
        ),
        ({"periods": {"funday": ["08:00-12:00"]}}, ["'funday' is not a weekday", "sunday"]),
        ({"periods": {"monday": ["08:00-12:00"], "Monday": []}}, ["monday", "twice"]),
        ({"periods": {"monday": "08:00-12:00"}}, []),  # one period needs no list: accepted
        ({"periods": ["08:00-12:00"]}, ["calendar.periods", "table of weekdays"]),
        ({"periods": {}}, ["calendar: periods: ", "no working period"]),
        ({"periods": {"monday": []}}, ["no working period"]),
        (
            {"extra_holidays": ["17-08-2026"]},
            ["calendar.extra_holidays.0: '17-08-2026' is not a date: write 2026-08-17"],
        ),
        ({"extra_holidays": ["31/12/2026"]}, ["'31/12/2026' is not a date: write 2026-12-31"]),
        ({"extra_holidays": ["besok"]}, ["'besok' is not a date: write YYYY-MM-DD"]),
        ({"extra_holidays": [datetime(2026, 8, 17, 9)]}, ["has a time of day", "2026-08-17"]),
        ({"holiday_categories": ["bank"]}, ["holiday_categories ['bank']", "'public'"]),
    ],
)
def test_configuration_mistakes_are_named_precisely(values: dict, words: list[str]) -> None:
    if not words:
        configured(**values)
        return
    message = config_errors(**values)
    assert "Value error" not in message and "Input should" not in message, message
    for word in words:
        assert word in message, (word, message)


def test_an_unknown_country_is_refused() -> None:
    with pytest.raises(ValueError, match="'XX' is not known"):
        WorkingCalendar(country="XX")


def test_typed_values_are_valid_by_construction() -> None:
    with pytest.raises(ValueError, match="no working period"):
        WorkingCalendar(week=Week(((),) * 7))
    with pytest.raises(ValueError, match="7 weekdays"):
        Week(DEFAULT_PERIODS[:5])
    with pytest.raises(ValueError, match=re.escape("monday: '12:00-08:00' ends before it starts")):
        Week((((time(12), time(8)),), *DEFAULT_PERIODS[1:]))
    unsorted = (tuple(reversed(DEFAULT_PERIODS[0])), *DEFAULT_PERIODS[1:])
    assert WorkingCalendar(week=Week(unsorted)) == CAL


def test_a_calendar_without_working_days_fails_instead_of_looping() -> None:
    first, last = date(2026, 1, 1), date(2033, 12, 31)
    every_day = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    closed = WorkingCalendar(extra_holidays=frozenset(every_day))
    start = datetime(2026, 3, 2, 9, 0)
    for duration in (Duration(1, "menit"), Duration(1, "hari")):
        with pytest.raises(NoWorkingTime, match="no working time from 2026 to 2030"):
            closed.add(start, duration)
    with pytest.raises(NoWorkingTime, match="no working time from 2026 to 2030"):
        closed.next_working_start(start)
    assert closed.working_minutes(start, datetime(2027, 3, 2)) == 0


def test_working_time_is_found_after_years_without_any() -> None:
    first, last = date(2026, 1, 1), date(2029, 12, 31)
    every_day = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    closed = WorkingCalendar(extra_holidays=frozenset(every_day))
    # 1 January 2030 is a holiday; the 2nd is a Wednesday
    opening = datetime(2030, 1, 2, 7, 30, tzinfo=WIB)
    assert closed.next_working_start(datetime(2026, 3, 2, 9)) == opening


def test_lateness_is_counted_over_many_years() -> None:
    """A document left late for years still gets its lateness (not a failed cycle)."""
    due, now = datetime(2026, 3, 2, 9, 0), datetime(2034, 3, 2, 9, 0)
    days, minutes = CAL.days_and_minutes(due, now)
    assert 1900 < days < 2000  # about 245 working days a year
    assert CAL.add(due, Duration(days, "hari")) <= now.replace(tzinfo=WIB)
    assert CAL.add(due, Duration(days + 1, "hari")) > now.replace(tzinfo=WIB)


# --------------------------------------------------------- working_minutes


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        ("2026-11-30 10:00", "2026-11-30 11:00", 60),
        ("2026-11-30 11:00", "2026-11-30 14:00", 120),  # over the lunch break
        ("2026-11-30 12:15", "2026-11-30 12:45", 0),  # inside the break
        ("2026-11-30 15:30", "2026-12-01 09:00", 120),  # overnight
        ("2026-11-27 16:00", "2026-11-30 08:00", 60),  # over the weekend
        ("2026-11-27 16:30", "2026-11-30 07:30", 0),  # closing to opening
        ("2026-12-23 15:00", "2026-12-28 08:00", 90),  # over 24-27 Dec
        ("2026-12-23 10:00", "2027-01-05 10:00", 2550),  # over the new year
        ("2026-11-30 00:00", "2026-12-07 00:00", 2250),  # one week
        ("2026-11-30 10:00:30", "2026-11-30 10:01", 0.5),
        ("2026-12-01 09:00", "2026-11-30 15:30", -120),  # negative direction
        ("2026-12-28 08:00", "2026-12-23 15:00", -90),
        ("2026-11-30 10:00", "2026-11-30 10:00", 0),
    ],
)
def test_working_minutes_exact(start: str, end: str, minutes: float) -> None:
    value = CAL.working_minutes(datetime.fromisoformat(start), datetime.fromisoformat(end))
    assert value == minutes


# ------------------------------------------------------------ properties

START = datetime(2026, 1, 1)
END = datetime(2027, 12, 31, 23, 59)
#: Ramadan 1447 H and 1448 H by the Umm al-Qura calendar, checked by hand (test_hours.py).
RAMADAN = ((date(2026, 2, 18), date(2026, 3, 19)), (date(2027, 2, 8), date(2027, 3, 8)))
_RAMADAN_MON_THU = ((time(8), time(12)), (time(12, 30), time(15)))
_RAMADAN_FRIDAY = ((time(8), time(11, 30)), (time(12, 30), time(15, 30)))
#: The MenPAN-RB circular's hours, written out here rather than taken from the code.
RAMADAN_PERIODS = (*(_RAMADAN_MON_THU,) * 4, _RAMADAN_FRIDAY, (), ())
CLOCKS = sorted(
    {t for week in (DEFAULT_PERIODS, RAMADAN_PERIODS) for day in week for p in day for t in p}
)


def periods_on(day: date) -> tuple:
    """The default calendar's periods of a day, before days off: Ramadan's or the week's."""
    in_ramadan = any(first <= day <= last for first, last in RAMADAN)
    return (RAMADAN_PERIODS if in_ramadan else DEFAULT_PERIODS)[day.weekday()]


any_moment = st.datetimes(min_value=START, max_value=END)
boundary_moment = st.builds(
    lambda day, clock, nudge: datetime.combine(day, clock) + timedelta(seconds=nudge),
    st.dates(min_value=START.date(), max_value=END.date()),
    st.sampled_from(CLOCKS),
    st.sampled_from([-1, 0, 0, 0, 1]),
)
naive_start = st.one_of(any_moment, boundary_moment, any_moment.map(lambda d: d.replace(second=0)))
start_moment = st.one_of(
    naive_start,
    naive_start.map(lambda d: d.replace(tzinfo=WIB)),
    naive_start.map(lambda d: d.replace(tzinfo=WIB).astimezone(UTC)),
    naive_start.map(lambda d: d.replace(tzinfo=WIB).astimezone(WITA)),
)
menit = st.builds(Duration, st.integers(1, 600), st.just("menit"))
jam = st.builds(Duration, st.integers(1, 40), st.just("jam"))
hari = st.builds(Duration, st.integers(1, 10), st.just("hari"))
durations = st.one_of(menit, jam, hari)


def local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=WIB) if moment.tzinfo is None else moment.astimezone(WIB)


def is_inside_or_at_close(moment: datetime) -> bool:
    assert moment.tzinfo is WIB
    if not CAL.is_working_day(moment.date()):
        return False
    clock = moment.time()
    return any(start <= clock <= end for start, end in periods_on(moment.date()))


def reference_minutes(start: datetime, end: datetime) -> float:
    """Working minutes in [start, end), day by day from the holidays package."""
    days_off = holidays.country_holidays(
        "ID", categories=("public", "government"), years=range(2025, 2030)
    )
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if day not in days_off:
            for open_, close in periods_on(day):
                low = max(start, datetime.combine(day, open_, WIB))
                high = min(end, datetime.combine(day, close, WIB))
                total += max(high - low, timedelta())
        day += timedelta(days=1)
    return total / timedelta(minutes=1)


@settings(max_examples=300, deadline=None)
@given(start_moment, durations)
def test_due_is_after_start_and_inside_work(start: datetime, duration: Duration) -> None:
    result = CAL.add(start, duration)
    assert result.tzinfo is WIB
    assert result >= local(start)
    assert result > local(start) or duration.unit == "hari"
    assert is_inside_or_at_close(result)


@settings(max_examples=200, deadline=None)
@given(start_moment, st.integers(1, 600), st.integers(1, 600))
def test_minutes_add_up(start: datetime, a: int, b: int) -> None:
    step = CAL.add(CAL.add(start, Duration(a, "menit")), Duration(b, "menit"))
    assert step == CAL.add(start, Duration(a + b, "menit"))


@settings(max_examples=200, deadline=None)
@given(start_moment, st.one_of(menit, jam))
def test_working_minutes_inverts_add(start: datetime, duration: Duration) -> None:
    # working_minutes counts from the start itself, so this holds outside work too
    assert CAL.working_minutes(start, CAL.add(start, duration)) == duration.minutes


@settings(max_examples=200, deadline=None)
@given(start_moment, hari)
def test_hari_lands_on_the_nth_working_day(start: datetime, duration: Duration) -> None:
    begin = CAL.next_working_start(start)
    result = CAL.add(start, duration)
    assert CAL.is_working_day(result.date())
    between = [
        begin.date() + timedelta(days=n) for n in range(1, (result.date() - begin.date()).days)
    ]
    assert sum(map(CAL.is_working_day, between)) == duration.amount - 1
    assert result.time() == begin.time() or result.time() in CLOCKS


@settings(max_examples=150, deadline=None)
@given(start_moment, start_moment, start_moment)
def test_working_minutes_is_additive_and_antisymmetric(
    a: datetime, b: datetime, c: datetime
) -> None:
    ab, bc, ac = CAL.working_minutes(a, b), CAL.working_minutes(b, c), CAL.working_minutes(a, c)
    assert CAL.working_minutes(b, a) == -ab
    assert ab + bc == pytest.approx(ac, abs=1e-6)
    assert (ab >= 0) == (local(b) >= local(a)) or ab == 0


@settings(max_examples=100, deadline=None)
@given(start_moment, st.integers(0, 60 * 24 * 40))
def test_working_minutes_match_a_day_by_day_count(start: datetime, span: int) -> None:
    begin = local(start)
    # The reference knows Ramadan of 2026 and 2027 only: stay inside them.
    end = min(begin + timedelta(minutes=span), END.replace(tzinfo=WIB))
    assert CAL.working_minutes(begin, end) == pytest.approx(reference_minutes(begin, end))


@contextmanager
def machine_zone(name: str):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", name)
        time_module.tzset()
        try:
            yield
        finally:
            patch.undo()
            time_module.tzset()


def test_machine_zone_switch_takes_effect() -> None:
    with machine_zone("America/New_York"):
        new_york = time_module.timezone
    with machine_zone("Asia/Tokyo"):
        tokyo = time_module.timezone
    assert new_york != tokyo


@settings(max_examples=60, deadline=None)
@given(start_moment, durations, start_moment)
def test_answers_do_not_depend_on_the_machine_zone(
    start: datetime, duration: Duration, other: datetime
) -> None:
    def compute() -> tuple:
        fresh = WorkingCalendar()  # no tables cached from another zone
        result = fresh.add(start, duration)
        return (
            result,
            result.utcoffset(),
            fresh.working_minutes(start, other),
            fresh.next_working_start(other),
            fresh.is_working_day(other),
        )

    expected = compute()
    for name in ("America/New_York", "Asia/Tokyo", "UTC"):
        with machine_zone(name):
            assert compute() == expected
    assert expected[0] == CAL.add(start, duration)
