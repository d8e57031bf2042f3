"""``python -m bench.calendar``: the working calendar's cost per Dokumen row.

Per row the engine computes a Tenggat (``add``) and the working time between Mulai, Tenggat
and now (``working_minutes``, up to three times). This times that work on warm year tables,
over random starts in 2026-2027 and the standard times of the built-in SOPs' range; the
building of one year's tables (done once per calendar, set of office dates and year); and
what a cycle pays for the Kalender tab's dates and the coming days off.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sop_models.duration import Duration
from syncer.calendar import WorkingCalendar

ROWS = 20_000
ROUNDS = 5
WIB = ZoneInfo("Asia/Jakarta")


def rows(seed: int = 5) -> list[tuple[datetime, Duration, datetime]]:
    """(Mulai, Waktu, now) as a cycle sees them."""
    rng = random.Random(seed)
    first = datetime(2026, 1, 1, tzinfo=WIB)
    waktu = [Duration(n, "menit") for n in (15, 30, 60)]
    waktu += [Duration(n, "jam") for n in (1, 2, 4)] + [Duration(n, "hari") for n in (1, 2, 5)]
    made = []
    for _ in range(ROWS):
        since = first + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        made.append((since, rng.choice(waktu), since + timedelta(hours=rng.randrange(1, 200))))
    return made


def per_row(calendar: WorkingCalendar, data: list[tuple[datetime, Duration, datetime]]) -> float:
    """Median µs per row of ``add`` plus three ``working_minutes``, tables warm."""
    add, minutes = calendar.add, calendar.working_minutes
    times = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        for since, waktu, now in data:
            due = add(since, waktu)
            minutes(due, now)
            minutes(now, due)
            minutes(since, due)
        times.append(time.perf_counter() - began)
    return sorted(times)[ROUNDS // 2] / len(data) * 1e6


def year_build() -> float:
    """Median ms to build one year's tables on a fresh calendar (holiday lists cached)."""
    times = []
    for year in range(2026, 2026 + ROUNDS):
        WorkingCalendar().is_working_day(date(year, 6, 1))  # the holidays package's list
        calendar = WorkingCalendar()
        began = time.perf_counter()
        calendar.is_working_day(date(year, 6, 1))
        times.append(time.perf_counter() - began)
    return sorted(times)[ROUNDS // 2] * 1e3


def per_cycle(work: Callable[[], object], repeat: int = 2_000) -> float:
    """Median µs of a call made once per cycle."""
    times = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        for _ in range(repeat):
            work()
        times.append(time.perf_counter() - began)
    return sorted(times)[ROUNDS // 2] / repeat * 1e6


def main() -> None:
    data = rows()
    calendar = WorkingCalendar()
    per_row(calendar, data[:100])  # build the tables
    print(f"add + 3 working_minutes: {per_row(calendar, data):.2f} µs/row ({ROWS} rows)")
    print(f"one year's tables: {year_build():.2f} ms")
    if hasattr(calendar, "with_office_dates"):
        from syncer.calendar import DayKind, OfficeDate

        kalender = {
            date(2026, 1, 1) + timedelta(days=7 * n): OfficeDate(DayKind.LIBUR, f"libur {n}")
            for n in range(30)
        }
        derived = calendar.with_office_dates(dict(kalender))
        per_row(derived, data[:100])
        same = per_cycle(lambda: calendar.with_office_dates(dict(kalender)))
        print(f"with_office_dates, 30 unchanged dates: {same:.1f} µs/cycle")
        today = date(2026, 11, 30)
        print(f"days_off, the next 10: {per_cycle(lambda: derived.days_off(today, 10)):.1f} µs")


if __name__ == "__main__":
    main()
