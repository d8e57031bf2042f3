"""Indonesian working time: when a step that began at some moment is due.

A :class:`WorkingCalendar` knows the office's time zone, its working periods
for each weekday and its days off (Indonesian public holidays and cuti bersama
from the ``holidays`` package, plus extra dates from the configuration).
DESIGN.md section 3 is the contract; in short:

* Every moment is read on the wall clock of the calendar zone: a naive
  datetime is taken to be in that zone, an aware one is converted to it.
  Results are aware datetimes in the calendar zone. The machine's own zone is
  never consulted.
* Working periods are half-open ``[open, close)``: a moment exactly at a
  closing time is outside work.
* ``N menit`` / ``N jam`` are that many working minutes, counted only inside
  working periods. When they run out exactly at a closing time, the due time is
  that closing time, not the next opening.
* ``N hari`` is N working days; see :meth:`WorkingCalendar.add`.

Per-year tables (working time and working days accumulated from 1 January)
are built once per calendar and year, so :meth:`WorkingCalendar.working_minutes`
is O(1) amortised and :meth:`WorkingCalendar.add` finds its day by bisection.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from sop_models.duration import Duration

__all__ = ["DEFAULT_PERIODS", "WEEKDAYS", "WorkingCalendar"]

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

_MON_THU: tuple[Period, ...] = ((time(7, 30), time(12, 0)), (time(13, 0), time(16, 0)))
_FRIDAY: tuple[Period, ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(16, 30)))

#: Perpres 21/2023: 37.5 hours a week, index 0 = Monday ... 6 = Sunday.
DEFAULT_PERIODS: tuple[tuple[Period, ...], ...] = (
    _MON_THU,
    _MON_THU,
    _MON_THU,
    _MON_THU,
    _FRIDAY,
    (),
    (),
)

_US_PER_MINUTE = 60_000_000
#: How far ahead a due time or the next working period is looked for.
_SEARCH_YEARS = 5

_PERIOD_TEXT = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-\u2013]\s*(\d{1,2})[:.](\d{2})\s*$")
_ALLOWED_PERIOD = "'HH:MM-HH:MM' on a 24-hour clock, such as '07:30-12:00'"
_ZONE_EXAMPLES = "'Asia/Jakarta' (WIB), 'Asia/Makassar' (WITA) or 'Asia/Jayapura' (WIT)"


@lru_cache(maxsize=256)
def _package_holidays(country: str, categories: tuple[str, ...], year: int) -> frozenset[int]:
    """Ordinals of the holidays the ``holidays`` package lists for one year."""
    if not categories:
        return frozenset()
    found = holidays.country_holidays(country, categories=categories, years=year)
    return frozenset(day.toordinal() for day in found)


@dataclass(frozen=True, slots=True)
class _Year:
    """Working time of one calendar year, accumulated day by day."""

    first: int  # ordinal of 1 January
    weekday: int  # weekday of 1 January (0 = Monday)
    minutes: tuple[int, ...]  # minutes[i]: working µs on days [0, i) of the year
    days: tuple[int, ...]  # days[i]: working days among days [0, i) of the year


def _us(moment: time | datetime) -> int:
    """Microseconds since midnight of a wall-clock time."""
    return (
        (moment.hour * 60 + moment.minute) * 60 + moment.second
    ) * 1_000_000 + moment.microsecond


def _clock(us: int) -> str:
    minutes, rest = divmod(us, _US_PER_MINUTE)
    text = f"{minutes // 60:02d}:{minutes % 60:02d}"
    if rest:
        text += f":{rest / 1_000_000:09.6f}".rstrip("0").rstrip(".")
    return text


def _check_day(weekday: str, spans: Sequence[tuple[int, int]], texts: Sequence[str]) -> None:
    """Raise ValueError if a period ends before it starts or two periods overlap."""
    for (start, end), text in zip(spans, texts, strict=True):
        if end <= start:
            problem = "ends before it starts" if end < start else "is empty"
            raise ValueError(
                f"{weekday}: working period {text!r} {problem}; "
                f"write {_ALLOWED_PERIOD} with the end after the start"
            )
    ordered = sorted(zip(spans, texts, strict=True))
    for (first, first_text), (second, second_text) in zip(ordered, ordered[1:], strict=False):
        if second[0] < first[1]:
            raise ValueError(
                f"{weekday}: working periods {first_text!r} and {second_text!r} overlap; "
                "the periods of one day must not overlap"
            )


def _parse_zone(zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(str(zone).strip())
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"zone {zone!r} is not a known IANA time zone; use e.g. {_ZONE_EXAMPLES}"
        ) from None


def _parse_period(weekday: str, text: object) -> Period:
    match = _PERIOD_TEXT.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"{weekday}: working period {text!r} is not valid; write {_ALLOWED_PERIOD}"
        )
    hour1, minute1, hour2, minute2 = (int(part) for part in match.groups())
    if hour1 > 23 or hour2 > 23 or minute1 > 59 or minute2 > 59:
        raise ValueError(
            f"{weekday}: working period {text!r} is not a time of day; "
            f"write {_ALLOWED_PERIOD} (hours 00-23, minutes 00-59)"
        )
    return time(hour1, minute1), time(hour2, minute2)


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"extra holiday {value!r} is not a date; write it as YYYY-MM-DD")


@dataclass(frozen=True)
class WorkingCalendar:
    """Working periods, days off and a time zone: Indonesian working time.

    ``periods[0]`` holds Monday's working periods as ``(open, close)`` wall-clock
    times of the calendar zone, ... ``periods[6]`` Sunday's. Days off are the
    holidays the ``holidays`` package lists for ``country`` in
    ``holiday_categories`` (``public`` and ``government``: national holidays and
    cuti bersama), plus ``extra_holidays``.

    Working time is measured on the wall clock of ``zone``. All Indonesian zones
    (WIB, WITA, WIT) are free of daylight saving time, so this is also elapsed
    time.
    """

    zone: ZoneInfo = ZoneInfo("Asia/Jakarta")
    periods: tuple[tuple[Period, ...], ...] = DEFAULT_PERIODS
    holiday_categories: tuple[str, ...] = ("public", "government")
    extra_holidays: frozenset[date] = frozenset()
    country: str = "ID"

    # Derived at construction and caches; not part of equality or the repr.
    _week: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False, compare=False)
    _week_work: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _extra: frozenset[int] = field(init=False, repr=False, compare=False)
    _years: dict[int, _Year] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__  # the dataclass is frozen
        zone = self.zone
        if not isinstance(zone, ZoneInfo):
            setattr_(self, "zone", _parse_zone(zone))

        periods = tuple(tuple(day) for day in self.periods)
        if len(periods) != 7:
            raise ValueError(f"periods must list 7 weekdays (Monday first), not {len(periods)}")
        week: list[tuple[tuple[int, int], ...]] = []
        for name, day in zip(WEEKDAYS, periods, strict=True):
            spans: list[tuple[int, int]] = []
            for period in day:
                if (
                    len(period) != 2
                    or not all(isinstance(end, time) for end in period)
                    or any(end.tzinfo is not None for end in period)
                ):
                    raise ValueError(
                        f"{name}: working period {period!r} must be a pair of "
                        "naive datetime.time values (open, close)"
                    )
                spans.append((_us(period[0]), _us(period[1])))
            _check_day(name, spans, [f"{_clock(a)}-{_clock(b)}" for a, b in spans])
            week.append(tuple(sorted(spans)))
        setattr_(self, "periods", tuple(tuple(sorted(day)) for day in periods))
        setattr_(self, "_week", tuple(week))
        setattr_(self, "_week_work", tuple(sum(b - a for a, b in day) for day in week))
        if not any(self._week_work):
            raise ValueError("the calendar has no working period on any weekday")

        categories = self.holiday_categories
        if isinstance(categories, str):
            categories = (categories,)
        categories = tuple(dict.fromkeys(str(c).strip().lower() for c in categories))
        setattr_(self, "holiday_categories", categories)
        try:
            if categories:
                holidays.country_holidays(self.country, categories=categories)
        except NotImplementedError:
            raise ValueError(
                f"country {self.country!r} is not known to the holidays package"
            ) from None
        except ValueError as error:
            raise ValueError(
                f"holiday categories {list(categories)} are not valid for "
                f"{self.country!r} ({error}); Indonesia has 'public' and 'government'"
            ) from None

        extra = frozenset(_parse_date(day) for day in self.extra_holidays)
        setattr_(self, "extra_holidays", extra)
        setattr_(self, "_extra", frozenset(day.toordinal() for day in extra))

    @classmethod
    def from_config(
        cls,
        zone: str = "Asia/Jakarta",
        periods: Mapping[str, Sequence[str]] | None = None,
        extra_holidays: Iterable[date] = (),
        holiday_categories: Sequence[str] = ("public", "government"),
        country: str = "ID",
    ) -> WorkingCalendar:
        """Build a calendar from plain configuration values.

        ``periods`` maps English weekday names (``"monday"`` ... ``"sunday"``,
        any case) to lists of ``"HH:MM-HH:MM"``. When given, it replaces the
        whole default week: a weekday it does not list has no work.
        ``extra_holidays`` are dates (``date`` or ``"YYYY-MM-DD"``). Any bad
        value raises ValueError saying which weekday or text is wrong and what
        is allowed.
        """
        week = DEFAULT_PERIODS
        if periods is not None:
            if not isinstance(periods, Mapping):
                raise ValueError(
                    "periods must map weekday names ('monday' ... 'sunday') "
                    f"to lists of {_ALLOWED_PERIOD}"
                )
            days: list[tuple[Period, ...] | None] = [None] * 7
            for key, texts in periods.items():
                name = str(key).strip().lower()
                if name not in WEEKDAYS:
                    raise ValueError(
                        f"periods: {key!r} is not a weekday; use one of {', '.join(WEEKDAYS)}"
                    )
                index = WEEKDAYS.index(name)
                if days[index] is not None:
                    raise ValueError(f"periods: {name} is listed twice")
                if isinstance(texts, str):
                    texts = [texts]
                if not isinstance(texts, Sequence):
                    raise ValueError(
                        f"{name}: working periods {texts!r} must be a list of {_ALLOWED_PERIOD}"
                    )
                parsed = [_parse_period(name, text) for text in texts]
                _check_day(name, [(_us(a), _us(b)) for a, b in parsed], [str(t) for t in texts])
                days[index] = tuple(parsed)
            week = tuple(day or () for day in days)
        return cls(
            zone=_parse_zone(zone),
            periods=week,
            holiday_categories=tuple(holiday_categories),
            extra_holidays=frozenset(_parse_date(day) for day in extra_holidays),
            country=country,
        )

    # ------------------------------------------------------------------ public

    @cached_property
    def day_minutes(self) -> float:
        """Average working minutes of a working weekday (450 by default).

        Used to express working time in days: "Terlambat 1 hari 2 jam".
        """
        working = [us for us in self._week_work if us]
        return sum(working) / len(working) / _US_PER_MINUTE

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` has working periods (not a weekend or a holiday).

        A datetime is first read on the calendar zone's clock.
        """
        if isinstance(day, datetime):
            day = self._local(day)
        table = self._year(day.year)
        index = day.toordinal() - table.first
        return table.days[index + 1] > table.days[index]

    def is_working_time(self, moment: datetime) -> bool:
        """Whether ``moment`` lies inside a working period (a closing time does not)."""
        local = self._local(moment)
        if not self.is_working_day(local.date()):
            return False
        clock = _us(local)
        return any(start <= clock < end for start, end in self._week[local.weekday()])

    def next_working_start(self, moment: datetime) -> datetime:
        """``moment`` itself if inside a working period, else the next opening."""
        local = self._local(moment)
        table = self._year(local.year)
        index = local.toordinal() - table.first
        if table.days[index + 1] > table.days[index]:
            clock = _us(local)
            for start, end in self._week[local.weekday()]:
                if clock < start:
                    return self._at(table.first + index, start)
                if clock < end:
                    return local
        # First working day after this one.
        table, index, _ = self._find(local.year, table.days[index + 1] + 1, "days")
        ordinal = table.first + index
        return self._at(ordinal, self._week[(table.weekday + index) % 7][0][0])

    def add(self, start: datetime, duration: Duration) -> datetime:
        """The moment a step begun at ``start`` with standard time ``duration`` is due.

        ``N menit`` / ``N jam``: the moment at which N (x60) working minutes
        counted from ``start`` have passed; if they run out exactly at a closing
        time, that closing time.

        ``N hari``: a start outside working periods is first moved to the next
        opening. The due time is then the same clock time on the Nth following
        working day, kept inside that day's working periods:

        * past the day's last closing time: that closing time
          (Fri 16:20 + 1 hari -> Mon 16:00);
        * in a break between two periods: the closing time of the period that
          ended before it (Thu 11:50 + 1 hari -> Fri 11:30);
        * before the day's first opening: that opening.

        Raises ValueError for an amount below 1, or when no due time exists
        within about five years (a calendar whose holidays cover everything).
        """
        if duration.amount < 1:
            raise ValueError(f"standard time {duration} must be at least 1")
        minutes = duration.minutes
        if minutes is None:
            return self._add_days(start, duration.amount)
        return self._add_minutes(start, minutes * _US_PER_MINUTE)

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working minutes in ``[start, end)``; negative when ``end`` is before ``start``."""
        first = self._local(start)
        last = self._local(end)
        sign = 1
        if last < first:
            first, last, sign = last, first, -1
        year, offset = self._offset(first)
        last_year, last_offset = self._offset(last)
        total = last_offset - offset
        while year < last_year:
            total += self._year(year).minutes[-1]
            year += 1
        return sign * total / _US_PER_MINUTE

    # ----------------------------------------------------------------- private

    def _local(self, moment: datetime) -> datetime:
        """``moment`` as an aware datetime on the calendar zone's clock."""
        tz = moment.tzinfo
        if tz is None:
            return moment.replace(tzinfo=self.zone)
        if tz is self.zone:
            return moment
        return moment.astimezone(self.zone)

    def _at(self, ordinal: int, clock: int) -> datetime:
        day = date.fromordinal(ordinal)
        return datetime(day.year, day.month, day.day, tzinfo=self.zone) + timedelta(
            microseconds=clock
        )

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = self._build_year(year)
        return table

    def _build_year(self, year: int) -> _Year:
        first = date(year, 1, 1).toordinal()
        length = date(year + 1, 1, 1).toordinal() - first
        off = _package_holidays(self.country, self.holiday_categories, year) | self._extra
        weekday = date(year, 1, 1).weekday()
        week_work = self._week_work
        minutes = [0]
        days = [0]
        for index in range(length):
            work = 0 if first + index in off else week_work[(weekday + index) % 7]
            minutes.append(minutes[-1] + work)
            days.append(days[-1] + (work > 0))
        return _Year(first, weekday, tuple(minutes), tuple(days))

    def _offset(self, local: datetime) -> tuple[int, int]:
        """(year, working µs from 1 January of that year to ``local``)."""
        table = self._year(local.year)
        index = local.toordinal() - table.first
        offset = table.minutes[index]
        if table.minutes[index + 1] > offset:
            clock = _us(local)
            for start, end in self._week[local.weekday()]:
                if clock <= start:
                    break
                offset += (end if clock >= end else clock) - start
        return local.year, offset

    def _find(self, year: int, target: int, column: str) -> tuple[_Year, int, int]:
        """The day where the cumulative ``column`` of ``year`` onwards reaches ``target``.

        ``target`` (> 0) counts from 1 January of ``year``. Returns the year's
        table, the day's index in it, and ``target`` counted from 1 January of
        that year: the day's own share is ``target - column[index]``.
        """
        for current in range(year, year + _SEARCH_YEARS + 1):
            table = self._year(current)
            values = getattr(table, column)
            if target <= values[-1]:
                return table, bisect_left(values, target) - 1, target
            target -= values[-1]
        raise ValueError(
            f"no working time in the {_SEARCH_YEARS} years after {year}: "
            "check the working periods and holidays of the calendar"
        )

    def _add_minutes(self, start: datetime, amount: int) -> datetime:
        year, offset = self._offset(self._local(start))
        table, index, target = self._find(year, offset + amount, "minutes")
        left = target - table.minutes[index]  # 0 < left <= that day's working time
        for open_, close in self._week[(table.weekday + index) % 7]:
            if left <= close - open_:
                return self._at(table.first + index, open_ + left)
            left -= close - open_
        raise AssertionError("working time tables are inconsistent")  # pragma: no cover

    def _add_days(self, start: datetime, amount: int) -> datetime:
        begin = self.next_working_start(start)
        table = self._year(begin.year)
        index = begin.toordinal() - table.first
        table, index, _ = self._find(begin.year, table.days[index + 1] + amount, "days")
        clock = _us(begin)
        periods = self._week[(table.weekday + index) % 7]
        due = periods[0][0]  # before the first opening: that opening
        for open_, close in periods:
            if clock < open_:
                break  # before this opening: the previous closing (or first opening)
            if clock < close:
                due = clock
                break
            due = close
        return self._at(table.first + index, due)
