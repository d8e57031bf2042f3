"""Working hours by date: a week of periods, dated spans of other weeks, Ramadan.

DESIGN.md section 3 (v2): a day uses the periods of the span it falls in, so a
deadline computed before, during or after a change of hours is the same.
Ramadan is such a span, every year, on by default: from 1 Ramadan to the last
day of Ramadan by the Umm al-Qura calendar (``hijridate``) with the MenPAN-RB
circular's hours, unless the configuration gives a year's dates as the
government set them (the isbat may differ by a day).

These are typed values, valid by construction; ``syncer.config`` parses the
configuration's text into them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache

from hijridate import Gregorian, Hijri

__all__ = [
    "DEFAULT_WEEK",
    "RAMADAN_WEEK",
    "WEEKDAYS",
    "DateSpan",
    "HoursSpan",
    "Ramadan",
    "Week",
    "micros",
    "period_text",
    "umm_al_qura_ramadan",
]

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)

Period = tuple[time, time]
"""``(open, close)``: naive wall-clock times of the calendar zone."""
DayPeriods = tuple[Period, ...]
ClockSpans = tuple[tuple[int, int], ...]
"""A day's periods as ``(open, close)`` microseconds since midnight."""

#: How far (days) the government's Ramadan may be from the Umm al-Qura one.
_ISBAT_DAYS = 3
_ALLOWED_PERIOD = "'HH:MM-HH:MM' on a 24-hour clock, such as '07:30-12:00'"


def micros(moment: time | datetime) -> int:
    """Microseconds since midnight of a wall-clock time."""
    return (
        (moment.hour * 60 + moment.minute) * 60 + moment.second
    ) * 1_000_000 + moment.microsecond


def _clock(moment: time) -> str:
    text = f"{moment.hour:02d}:{moment.minute:02d}"
    if moment.second or moment.microsecond:
        text += f":{moment.second + moment.microsecond / 1e6:09.6f}".rstrip("0").rstrip(".")
    return text


def period_text(period: Period) -> str:
    """``'07:30-12:00'``: a period as the configuration writes it."""
    return f"{_clock(period[0])}-{_clock(period[1])}"


# --------------------------------------------------------------------- hours


@dataclass(frozen=True)
class Week:
    """Working periods for each weekday, Monday first: valid by construction.

    ``days[0]`` holds Monday's periods, ... ``days[6]`` Sunday's, each sorted;
    a weekday without periods has no work. Raises ValueError naming the
    weekday and the period when one ends before it starts or two overlap.
    """

    days: tuple[DayPeriods, ...]
    clock: tuple[ClockSpans, ...] = field(init=False, repr=False, compare=False)
    """``days`` as microseconds since midnight, for the calendar's arithmetic."""

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError(f"a week lists 7 weekdays (Monday first), not {len(self.days)}")
        days = tuple(tuple(sorted(day)) for day in self.days)
        for name, day in zip(WEEKDAYS, days, strict=True):
            _check_day(name, day)
        object.__setattr__(self, "days", days)
        clock = tuple(tuple((micros(a), micros(b)) for a, b in day) for day in days)
        object.__setattr__(self, "clock", clock)

    @property
    def minutes(self) -> int:
        """Working minutes of the whole week."""
        return sum(b - a for day in self.clock for a, b in day) // 60_000_000

    def first_working(self) -> ClockSpans:
        """The periods of the first weekday that has any (Monday's, in an Indonesian week)."""
        return next((day for day in self.clock if day), ())


def _check_day(weekday: str, day: DayPeriods) -> None:
    for period in day:
        if (
            not isinstance(period, tuple)
            or len(period) != 2
            or not all(isinstance(end, time) for end in period)
            or any(end.tzinfo is not None for end in period)
        ):
            raise ValueError(
                f"{weekday}: working period {period!r} must be a pair of "
                "naive datetime.time values (open, close)"
            )
        if period[1] <= period[0]:
            problem = "ends before it starts" if period[1] < period[0] else "is empty"
            raise ValueError(
                f"{weekday}: {period_text(period)!r} {problem}; "
                f"write {_ALLOWED_PERIOD} with the end after the start"
            )
    for first, second in zip(day, day[1:], strict=False):
        if second[0] < first[1]:
            raise ValueError(
                f"{weekday}: working periods {period_text(first)!r} and "
                f"{period_text(second)!r} overlap; the periods of one day must not overlap"
            )


_MON_THU: DayPeriods = ((time(7, 30), time(12, 0)), (time(13, 0), time(16, 0)))
_FRIDAY: DayPeriods = ((time(7, 30), time(11, 30)), (time(13, 0), time(16, 30)))
#: Perpres 21/2023: 37.5 hours a week.
DEFAULT_WEEK = Week((_MON_THU, _MON_THU, _MON_THU, _MON_THU, _FRIDAY, (), ()))

_RAMADAN_MON_THU: DayPeriods = ((time(8, 0), time(12, 0)), (time(12, 30), time(15, 0)))
_RAMADAN_FRIDAY: DayPeriods = ((time(8, 0), time(11, 30)), (time(12, 30), time(15, 30)))
#: The MenPAN-RB circulars on Ramadan working hours (SE 20/2017 ... 6/2023): 32.5 hours a week.
RAMADAN_WEEK = Week((*(_RAMADAN_MON_THU,) * 4, _RAMADAN_FRIDAY, (), ()))


@dataclass(frozen=True, slots=True)
class DateSpan:
    """The days from ``first`` to ``last``, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"{self}: 'until' is before 'from'; write the first day in 'from'")

    def __str__(self) -> str:
        return f"from {self.first.isoformat()} until {self.last.isoformat()}"

    def overlaps(self, other: DateSpan) -> bool:
        return self.first <= other.last and other.first <= self.last


@dataclass(frozen=True, slots=True)
class HoursSpan:
    """A week of working periods for a span of dates (the configuration's ``spans``)."""

    dates: DateSpan
    week: Week


@lru_cache(maxsize=512)
def umm_al_qura_ramadan(hijri_year: int) -> DateSpan | None:
    """1 Ramadan to the last day of Ramadan of a Hijri year; None outside 1343-1500 H."""
    try:
        first = Hijri(hijri_year, 9, 1).to_gregorian().toordinal()
        after = Hijri(hijri_year, 10, 1).to_gregorian().toordinal()
    except OverflowError:
        return None
    return DateSpan(date.fromordinal(first), date.fromordinal(after - 1))


def _hijri_year(day: date) -> int | None:
    """The Hijri year of a day; None outside what hijridate converts (1924-2077)."""
    try:
        return int(Gregorian.fromdate(day).to_hijri().year)
    except OverflowError:
        return None


@dataclass(frozen=True)
class Ramadan:
    """Ramadan's working hours and dates.

    Each Ramadan runs from 1 Ramadan to its last day by the Umm al-Qura calendar,
    unless ``dates`` gives that Ramadan's dates as the government set them (the
    isbat may differ by a day): each span of ``dates`` must lie within
    three days of an Umm al-Qura Ramadan, which it replaces.
    """

    week: Week = RAMADAN_WEEK
    dates: tuple[DateSpan, ...] = ()
    _given: dict[int, DateSpan] = field(init=False, repr=False, compare=False)
    _years: dict[int, tuple[DateSpan, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        given: dict[int, DateSpan] = {}
        for span in self.dates:
            year = _hijri_year(span.first)
            computed = None if year is None else umm_al_qura_ramadan(year)
            if year is None or computed is None or not _near(span, computed):
                raise ValueError(f"ramadan dates {span} are not {_nearest_ramadan(span.first)}")
            if year in given:
                raise ValueError(
                    f"ramadan dates {given[year]} and {span} are the same Ramadan "
                    f"({year} H); give each year's dates once"
                )
            given[year] = span
        object.__setattr__(self, "_given", given)
        object.__setattr__(self, "_years", {})

    def spans_in(self, year: int) -> tuple[DateSpan, ...]:
        """The Ramadans with days in a Gregorian year (one, sometimes two)."""
        found = self._years.get(year)
        if found is None:
            first = _hijri_year(date(year, 1, 1))
            hijri_years = () if first is None else (first, first + 1)
            spans = (self._given.get(hijri) or umm_al_qura_ramadan(hijri) for hijri in hijri_years)
            found = self._years[year] = tuple(
                span for span in spans if span and span.first.year <= year <= span.last.year
            )
        return found

    def covers(self, day: date) -> bool:
        """Whether ``day`` is in Ramadan."""
        return any(span.first <= day <= span.last for span in self.spans_in(day.year))


def _near(span: DateSpan, computed: DateSpan) -> bool:
    return (
        abs((span.first - computed.first).days) <= _ISBAT_DAYS
        and abs((span.last - computed.last).days) <= _ISBAT_DAYS
    )


def _nearest_ramadan(day: date) -> str:
    """Which Ramadan dates starting on ``day`` could be: the nearest by Umm al-Qura (a
    Gregorian year may hold two Ramadans, as 2030 does)."""
    hijri = _hijri_year(day)
    computed = [
        (abs((span.first - day).days), year, span)
        for year in ((hijri - 1, hijri, hijri + 1) if hijri is not None else ())
        if (span := umm_al_qura_ramadan(year)) is not None
    ]
    if not computed:
        return "a Ramadan the Umm al-Qura calendar knows (1924 to 2077)"
    _, year, span = min(computed)
    return (
        f"within {_ISBAT_DAYS} days of Ramadan {year} H by the Umm al-Qura calendar "
        f"({span}); give the dates the government set"
    )
