"""Indonesian working time: when a step that began at some moment is due.

A :class:`WorkingCalendar` knows the office's time zone, which working periods
each date has, and its days off. DESIGN.md section 3 (v2) is the contract; in
short:

* A date's working periods come from the first of these that covers it:
  Ramadan (from 1 Ramadan to its last day by the Umm al-Qura calendar, or the
  dates the government set; on by default with the MenPAN-RB circular's
  hours), a dated span of the configuration, the default week. Days off
  (Indonesian public holidays and cuti bersama from the ``holidays`` package,
  extra dates of the configuration, the office's own ``Libur``) have none; an
  office ``Masuk`` day has its periods although the national list says
  otherwise. Nothing depends on the clock: a deadline is a function of its
  start, its standard time and the calendar, whenever it is computed.
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

Per-year tables (each day's periods, working time and working days accumulated
from 1 January) are built once per calendar, set of office dates and year, so
:meth:`WorkingCalendar.working_minutes` is O(1) amortised and
:meth:`WorkingCalendar.add` finds its day by bisection.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from sop_models.duration import Duration
from syncer.hours import DEFAULT_WEEK, ClockSpans, HoursSpan, Ramadan, Week, micros

__all__ = [
    "OFFICE_DAY_OFF",
    "DayKind",
    "DayOff",
    "NoWorkingTime",
    "OfficeDate",
    "OffSource",
    "WorkingCalendar",
]

_US_PER_MINUTE = 60_000_000
#: How many years without working time end a search for a due time or the next working
#: period (a calendar whose days off cover everything), and how far ahead days off are listed.
_SEARCH_YEARS = 5
_LAST_YEAR = 9999


class NoWorkingTime(ValueError):
    """A due time or working period looked for past years without any working time."""


# ---------------------------------------------------------------- office dates


class DayKind(StrEnum):
    """The Jenis of an office date (the Kalender tab)."""

    LIBUR = "Libur"
    """Not a working day (a regional holiday, the kabupaten's anniversary)."""
    MASUK = "Masuk"
    """A working day although the national list says otherwise (a cancelled cuti bersama)."""


@dataclass(frozen=True, slots=True)
class OfficeDate:
    """One date of the office's own list: its Jenis and Keterangan."""

    kind: DayKind
    note: str = ""


class OffSource(StrEnum):
    """Where a day off comes from."""

    NATIONAL = "national"
    """A public holiday (``holidays``, category ``public``)."""
    CUTI_BERSAMA = "cuti bersama"
    """A collective leave day (``holidays``, category ``government``)."""
    OFFICE = "office"
    """The office's own ``Libur`` (the Kalender tab)."""
    EXTRA = "extra"
    """An extra day off of the configuration (``extra_holidays``)."""


@dataclass(frozen=True, slots=True)
class DayOff:
    """A day the calendar does not work although its week has hours, with its Indonesian name."""

    day: date
    name: str
    source: OffSource


OFFICE_DAY_OFF = "Libur kantor"
"""The name of an office day off listed without a Keterangan."""


_SOURCES = {"public": OffSource.NATIONAL, "government": OffSource.CUTI_BERSAMA}
COUNTRY = "ID"
CATEGORIES = ("public", "government")
"""The holidays a calendar counts unless told otherwise: Indonesia's national holidays and
cuti bersama."""

Listed = dict[int, tuple[str, OffSource]]
"""Ordinal -> Indonesian name and source of the days off the ``holidays`` package lists."""
Lister = Callable[[str, tuple[str, ...], int], Listed]


@lru_cache(maxsize=256)
def package_holidays(country: str, categories: tuple[str, ...], year: int) -> Listed:
    """The days off the ``holidays`` package lists for ``country`` in ``year``.

    A date listed in several categories keeps the first category's name (public first).
    """
    import holidays

    _check_holidays(country, categories)
    found: Listed = {}
    for category in sorted(categories, key=lambda each: each != "public"):
        listed = holidays.country_holidays(
            country, categories=(category,), years=year, language="id"
        )
        source = _SOURCES.get(category, OffSource.NATIONAL)
        for day, name in sorted(listed.items()):
            found.setdefault(day.toordinal(), (name, source))
    return found


@lru_cache(maxsize=16)
def _check_holidays(country: str, categories: tuple[str, ...]) -> None:
    import holidays

    _import_country_alone(country)
    try:
        known = holidays.country_holidays(country).supported_categories
    except NotImplementedError:
        raise ValueError(f"country {country!r} is not known to the holidays package") from None
    unknown = [c for c in categories if c not in known]
    if unknown:
        raise ValueError(
            f"holiday_categories {unknown} are not known for {country!r}; "
            f"use {' and '.join(repr(c) for c in sorted(known))}"
        )


def _import_country_alone(country: str) -> None:
    """Import the ``holidays`` module of ``country`` without the package's other countries.

    Importing ``holidays.countries`` imports all of the package's 250 countries (0.1 s of
    CPU: more than a whole cycle of a small office, each time cron starts a sync), and
    the package finds a country by the full name of its module
    (``holidays.countries.indonesia``). So ``holidays.countries`` is made without running
    its ``__init__``, the country's module is imported into it, and the ``__init__`` runs
    at the first name anyone asks of the package that is not there: whoever uses
    ``holidays.countries`` itself still finds all of it.
    """
    import holidays

    if "holidays.countries" in sys.modules:
        return
    try:
        from holidays.registry import COUNTRIES
    except ImportError:  # another layout of the package: it finds its countries alone
        return
    module = next((name for name, entry in COUNTRIES.items() if country in entry[1:]), None)
    spec = importlib.util.find_spec("holidays.countries")
    if module is None or spec is None or spec.loader is None:
        return  # an unknown country: the package says so
    loader = spec.loader
    package = importlib.util.module_from_spec(spec)

    def complete(name: str) -> object:
        del vars(package)["__getattr__"]
        loader.exec_module(package)
        return getattr(package, name)

    vars(package)["__getattr__"] = complete
    sys.modules["holidays.countries"] = holidays.countries = package
    importlib.import_module(f"holidays.countries.{module}")


# ------------------------------------------------------------------ calendar


@dataclass(frozen=True, slots=True)
class _Year:
    """Working time of one calendar year, day by day."""

    first: int  # ordinal of 1 January
    periods: tuple[ClockSpans, ...]  # periods[i]: the working periods of day i (none: a day off)
    minutes: tuple[int, ...]  # minutes[i]: working µs on days [0, i) of the year
    days: tuple[int, ...]  # days[i]: working days among days [0, i) of the year


_Tables = dict[int, _Year]
_OfficeKey = frozenset[tuple[date, DayKind]]
#: Sets of office dates whose tables a calendar keeps (a few edits of the Kalender tab).
_KEPT = 8
#: Answers of ``add`` and ``working_minutes`` a calendar remembers before it starts afresh.
_REMEMBERED = 1 << 15
_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(frozen=True)
class WorkingCalendar:
    """Working periods by date, days off and a time zone: Indonesian working time.

    Built from typed values (see ``syncer.config.CalendarConfig`` for the
    configuration's text): ``week`` applies to every date outside ``spans``
    and Ramadan; ``ramadan`` None turns Ramadan hours off. Days off are the
    holidays the ``holidays`` package lists for ``country`` in
    ``holiday_categories`` (``public`` and ``government``: national holidays
    and cuti bersama), ``extra_holidays``, and the office's ``Libur`` dates;
    ``office`` is set through :meth:`with_office_dates`.

    Working time is measured on the wall clock of ``zone``. All Indonesian zones
    (WIB, WITA, WIT) are free of daylight saving time, so this is also elapsed
    time.
    """

    zone: ZoneInfo = ZoneInfo("Asia/Jakarta")
    week: Week = DEFAULT_WEEK
    spans: tuple[HoursSpan, ...] = ()
    ramadan: Ramadan | None = Ramadan()
    holiday_categories: tuple[str, ...] = CATEGORIES
    extra_holidays: frozenset[date] = frozenset()
    office: tuple[tuple[date, OfficeDate], ...] = ()
    country: str = COUNTRY
    lister: Lister = field(default=package_holidays, repr=False, compare=False)
    """Where the days off the package lists come from: the package itself, or what keeps
    its answers (``syncer.kept``)."""

    # Derived at construction and caches; not part of equality or the repr.
    _libur: frozenset[int] = field(init=False, repr=False, compare=False)
    _masuk: frozenset[int] = field(init=False, repr=False, compare=False)
    _years: _Tables = field(init=False, repr=False, compare=False)
    _tables: dict[_OfficeKey, _Tables] = field(init=False, repr=False, compare=False)
    _derived: dict[tuple[tuple[date, OfficeDate], ...], WorkingCalendar] = field(
        init=False, repr=False, compare=False
    )
    # A cycle asks the same questions many times (every document a cycle moves starts at
    # its ``now``) and a ``run`` asks them again every cycle. Each calendar has its own:
    # one counting other office dates is another calendar.
    _dues: dict[tuple[datetime, Duration], datetime] = field(init=False, repr=False, compare=False)
    _spans: dict[tuple[datetime, datetime], float] = field(init=False, repr=False, compare=False)
    _parts: dict[tuple[datetime, datetime], tuple[int, float]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not self.week.minutes:
            raise ValueError("periods: the calendar has no working period on any weekday")
        ordered = sorted(self.spans, key=lambda span: span.dates.first)
        for one, other in zip(ordered, ordered[1:], strict=False):
            if one.dates.overlaps(other.dates):
                raise ValueError(
                    f"spans {one.dates} and {other.dates} overlap on "
                    f"{other.dates.first.isoformat()}; a day has one week of hours: "
                    "end one span before the next begins"
                )
        if (self.country, self.holiday_categories) != (COUNTRY, CATEGORIES):
            # What an admin set is checked now; the default is the package's own, and is
            # checked when the package is first asked for a year's days off.
            _check_holidays(self.country, self.holiday_categories)
        setattr_ = object.__setattr__  # the dataclass is frozen
        kinds = {day: entry.kind for day, entry in self.office}
        setattr_(self, "_libur", _ordinals(kinds, DayKind.LIBUR))
        setattr_(self, "_masuk", _ordinals(kinds, DayKind.MASUK))
        key: _OfficeKey = frozenset(kinds.items())
        setattr_(self, "_tables", {key: {}})
        setattr_(self, "_years", self._tables[key])
        setattr_(self, "_derived", {})
        setattr_(self, "_dues", {})
        setattr_(self, "_spans", {})
        setattr_(self, "_parts", {})

    def with_office_dates(self, dates: Mapping[date, OfficeDate]) -> WorkingCalendar:
        """This calendar counting the office's own dates (the Kalender tab) instead of its own.

        ``Libur``: not a working day. ``Masuk``: a working day with the periods
        its date has by the week, span or Ramadan it falls in; a ``Masuk`` on a
        day whose week has none (a Saturday) works the periods of that week's
        first working weekday (Monday's).

        Cheap to call every cycle: the same dates give the same calendar, and
        calendars whose dates differ only in Keterangan share their year tables.
        """
        office = tuple(sorted(dates.items()))
        if office == self.office:
            return self

        def derive() -> WorkingCalendar:
            derived = replace(self, office=office)
            setattr_ = object.__setattr__
            setattr_(derived, "_derived", self._derived)
            setattr_(derived, "_tables", self._tables)
            key = frozenset((day, entry.kind) for day, entry in office)
            setattr_(derived, "_years", _kept(self._tables, key, dict))
            return derived

        return _kept(self._derived, office, derive)

    # ------------------------------------------------------------------ public

    @cached_property
    def day_minutes(self) -> float:
        """Average working minutes of a working weekday of ``week`` (450 by default).

        Used to express in days a working time that has no dates of its own (a median,
        a standard time); how late a document is counts its own days
        (:meth:`days_and_minutes`).
        """
        working = [sum(b - a for a, b in day) for day in self.week.clock if day]
        return sum(working) / len(working) / _US_PER_MINUTE

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` has working periods (not a weekend or a day off).

        A datetime is first read on the calendar zone's clock.
        """
        if isinstance(day, datetime):
            day = self._local(day)
        table = self._year(day.year)
        return bool(table.periods[day.toordinal() - table.first])

    def is_working_time(self, moment: datetime) -> bool:
        """Whether ``moment`` lies inside a working period (a closing time does not)."""
        local = self._local(moment)
        table = self._year(local.year)
        clock = micros(local)
        periods = table.periods[local.toordinal() - table.first]
        return any(start <= clock < end for start, end in periods)

    def next_working_start(self, moment: datetime) -> datetime:
        """``moment`` itself if inside a working period, else the next opening."""
        local = self._local(moment)
        table = self._year(local.year)
        index = local.toordinal() - table.first
        clock = micros(local)
        for start, end in table.periods[index]:
            if clock < start:
                return self._at(table.first + index, start)
            if clock < end:
                return local
        # First working day after this one.
        table, index, _ = self._find(local.year, table.days[index + 1] + 1, "days")
        return self._at(table.first + index, table.periods[index][0][0])

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
        * in a break between two periods: the start of that break, the closing
          time of the period before it (Thu 11:45 + 1 hari -> Fri 11:30);
        * before the day's first opening: that opening.

        Raises ValueError for an amount below 1, and NoWorkingTime when five years
        in a row have no working time (a calendar whose days off cover everything).
        """
        return _remembered(self._dues, (start, duration), lambda: self._add(start, duration))

    def _add(self, start: datetime, duration: Duration) -> datetime:
        if duration.amount < 1:
            raise ValueError(f"standard time {duration} must be at least 1")
        minutes = duration.minutes
        if minutes is None:
            return self._add_days(start, duration.amount)
        return self._add_minutes(start, minutes * _US_PER_MINUTE)

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working minutes in ``[start, end)``; negative when ``end`` is before ``start``."""
        return _remembered(self._spans, (start, end), lambda: self._working_minutes(start, end))

    def _working_minutes(self, start: datetime, end: datetime) -> float:
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

    def days_and_minutes(self, start: datetime, end: datetime) -> tuple[int, float]:
        """The working time in ``[start, end)`` as whole working days, then working minutes.

        Each working day counts as one day whatever its length (6.5 hours in Ramadan,
        7.5 outside); a part of a day counts as its share of that day's working time.
        With working days all of one length (the default week, Ramadan's), this is the
        working minutes divided by that length. ``(0, 0.0)`` when ``end`` is not after
        ``start``.
        """
        # a late row's Pesan and how long it holds both ask
        return _remembered(self._parts, (start, end), lambda: self._days_and_minutes(start, end))

    def _days_and_minutes(self, start: datetime, end: datetime) -> tuple[int, float]:
        total = self.working_minutes(start, end)
        if total <= 0:
            return 0, 0.0
        year, first = self._position(self._local(start))
        last_year, last = self._position(self._local(end))
        last += sum(self._year(each).days[-1] for each in range(year, last_year))
        days = int(last - first + 1e-9)
        if days < 1:
            return 0, total
        mark = self._at_position(year, first + days)
        return days, max(self.working_minutes(mark, end), 0.0)

    def to_next_day(self, start: datetime, end: datetime) -> float:
        """Working minutes from ``end`` until :meth:`days_and_minutes` from ``start`` counts
        one more whole working day (``end`` after ``start``)."""
        year, first = self._position(self._local(start))
        last_year, last = self._position(self._local(end))
        last += sum(self._year(each).days[-1] for each in range(year, last_year))
        days = max(int(last - first + 1e-9), 0)
        return self.working_minutes(end, self._at_position(year, first + days + 1))

    def days_off(self, since: date, count: int) -> tuple[DayOff, ...]:
        """The next ``count`` days off from ``since`` (included) that the calendar counts.

        National holidays and cuti bersama by their Indonesian names, the
        configuration's extra days off and the office's ``Libur`` (by its
        Keterangan, else ``Libur kantor``). Only days whose week has working
        periods are listed: weekends are left out, as are days the office
        marked ``Masuk``.
        """
        found: list[DayOff] = []
        start = since.toordinal()
        for year in range(since.year, since.year + _SEARCH_YEARS + 1):
            table = self._year(year)
            names = self._names_off(year)
            for ordinal in sorted(names):
                if ordinal < start or table.periods[ordinal - table.first]:
                    continue
                day = date.fromordinal(ordinal)
                if self._week_on(day).clock[day.weekday()]:
                    found.append(DayOff(day, *names[ordinal]))
                    if len(found) == count:
                        return tuple(found)
        return tuple(found)

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

    def _week_on(self, day: date) -> Week:
        """The week of periods ``day`` falls in: Ramadan's, a span's or the default."""
        if self.ramadan is not None and self.ramadan.covers(day):
            return self.ramadan.week
        for span in self.spans:
            if span.dates.first <= day <= span.dates.last:
                return span.week
        return self.week

    def _names_off(self, year: int) -> dict[int, tuple[str, OffSource]]:
        """Ordinal -> name and source of every day off in ``year`` (before Masuk), weekends
        or not. An office ``Libur`` is named by its Keterangan; on a day already off it
        keeps that day's name and source, its Keterangan added when it says more."""
        names = dict(self.lister(self.country, self.holiday_categories, year))
        for day in self.extra_holidays:
            if day.year == year:
                names.setdefault(day.toordinal(), (OFFICE_DAY_OFF, OffSource.EXTRA))
        for day, entry in self.office:
            if day.year != year or entry.kind is not DayKind.LIBUR:
                continue
            note = entry.note.strip()
            known = names.get(day.toordinal())
            if known is None:
                names[day.toordinal()] = (note or OFFICE_DAY_OFF, OffSource.OFFICE)
            elif note.casefold() not in known[0].casefold():
                names[day.toordinal()] = (f"{known[0]}; {note}", known[1])
        return names

    def _build_year(self, year: int) -> _Year:
        first = date(year, 1, 1).toordinal()
        length = date(year + 1, 1, 1).toordinal() - first
        weekday = date(year, 1, 1).weekday()
        week = self.week.clock
        periods = [week[(weekday + index) % 7] for index in range(length)]
        dated = [(span.dates, span.week) for span in self.spans]
        if self.ramadan is not None:  # after the spans: Ramadan's hours win
            dated += [(span, self.ramadan.week) for span in self.ramadan.spans_in(year)]
        for span, hours in dated:
            low = max(span.first.toordinal(), first)
            high = min(span.last.toordinal() + 1, first + length)
            for ordinal in range(low, high):
                periods[ordinal - first] = hours.clock[(weekday + ordinal - first) % 7]
        off = set(self.lister(self.country, self.holiday_categories, year))
        off.update(day.toordinal() for day in self.extra_holidays if day.year == year)
        for ordinal in (off | self._libur) - self._masuk:
            if first <= ordinal < first + length:
                periods[ordinal - first] = ()
        for ordinal in self._masuk:
            if first <= ordinal < first + length and not periods[ordinal - first]:
                periods[ordinal - first] = self._week_on(date.fromordinal(ordinal)).first_working()
        minutes = [0]
        days = [0]
        for day in periods:
            work = sum(b - a for a, b in day)
            minutes.append(minutes[-1] + work)
            days.append(days[-1] + (work > 0))
        return _Year(first, tuple(periods), tuple(minutes), tuple(days))

    def _offset(self, local: datetime) -> tuple[int, int]:
        """(year, working µs from 1 January of that year to ``local``)."""
        table = self._year(local.year)
        index = local.toordinal() - table.first
        offset = table.minutes[index]
        clock = micros(local)
        for start, end in table.periods[index]:
            if clock <= start:
                break
            offset += (end if clock >= end else clock) - start
        return local.year, offset

    def _position(self, local: datetime) -> tuple[int, float]:
        """(year, working days from 1 January of that year to ``local``, a day's part as its
        share of that day's working time)."""
        year, offset = self._offset(local)
        table = self._year(year)
        index = local.toordinal() - table.first
        length = table.minutes[index + 1] - table.minutes[index]
        part = (offset - table.minutes[index]) / length if length else 0.0
        return year, table.days[index] + part

    def _at_position(self, year: int, position: float) -> datetime:
        """The moment at ``position`` working days from 1 January of ``year``."""
        whole = int(position)
        table, index, _ = self._find(year, whole + 1, "days")
        periods = table.periods[index]
        left = round((position - whole) * sum(b - a for a, b in periods))
        for open_, close in periods:
            if left <= close - open_:
                return self._at(table.first + index, open_ + left)
            left -= close - open_
        return self._at(table.first + index, periods[-1][1])  # pragma: no cover - rounding

    def _find(self, year: int, target: int, column: str) -> tuple[_Year, int, int]:
        """The day where the cumulative ``column`` of ``year`` onwards reaches ``target``.

        ``target`` (> 0) counts from 1 January of ``year``. Returns the year's
        table, the day's index in it, and ``target`` counted from 1 January of
        that year: the day's own share is ``target - column[index]``.
        """
        current, idle = year, 0
        while idle < _SEARCH_YEARS and current < _LAST_YEAR:
            table = self._year(current)
            values: tuple[int, ...] = getattr(table, column)
            if target <= values[-1]:
                return table, bisect_left(values, target) - 1, target
            target -= values[-1]
            idle = idle + 1 if values[-1] == 0 else 0
            current += 1
        raise NoWorkingTime(
            f"the calendar has no working time from {current - idle} to {current - 1}: "
            "check its working periods, spans and days off"
        )

    def _add_minutes(self, start: datetime, amount: int) -> datetime:
        year, offset = self._offset(self._local(start))
        table, index, target = self._find(year, offset + amount, "minutes")
        left = target - table.minutes[index]  # 0 < left <= that day's working time
        for open_, close in table.periods[index]:
            if left <= close - open_:
                return self._at(table.first + index, open_ + left)
            left -= close - open_
        raise AssertionError("working time tables are inconsistent")  # pragma: no cover

    def _add_days(self, start: datetime, amount: int) -> datetime:
        begin = self.next_working_start(start)
        table = self._year(begin.year)
        index = begin.toordinal() - table.first
        table, index, _ = self._find(begin.year, table.days[index + 1] + amount, "days")
        clock = micros(begin)
        periods = table.periods[index]
        due = periods[0][0]  # before the first opening: that opening
        for open_, close in periods:
            if clock < open_:
                break  # before this opening: the previous closing (or first opening)
            if clock < close:
                due = clock
                break
            due = close
        return self._at(table.first + index, due)


def _ordinals(kinds: Mapping[date, DayKind], kind: DayKind) -> frozenset[int]:
    return frozenset(day.toordinal() for day, each in kinds.items() if each is kind)


def _remembered(answers: dict[_K, _V], key: _K, make: Callable[[], _V]) -> _V:
    """``answers[key]``, made when missing; every answer is forgotten once there are too
    many (a ``run`` lasts months)."""
    found = answers.get(key)
    if found is None:
        if len(answers) >= _REMEMBERED:
            answers.clear()
        found = answers[key] = make()
    return found


def _kept(cache: dict[_K, _V], key: _K, make: Callable[[], _V]) -> _V:
    """``cache[key]``, made when missing; beyond a few entries the least recently used go."""
    value = cache.pop(key) if key in cache else make()
    cache[key] = value
    while len(cache) > _KEPT:
        del cache[next(iter(cache))]
    return value
