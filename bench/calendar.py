"""``python -m bench.calendar``: the working calendar's cost per Dokumen row.

Per row the engine computes a Tenggat (``add``) and the working time between Mulai, Tenggat
and now (``working_minutes``, up to three times). This times that work on warm year tables,
over random starts in 2026-2027 and the standard times of the built-in SOPs' range, and the
building of one year's tables (done once per calendar and year).
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
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


def year_build(make: type[WorkingCalendar]) -> float:
    """Median ms to build one year's tables on a fresh calendar."""
    times = []
    for year in range(2026, 2026 + ROUNDS):
        calendar = make()
        calendar.is_working_day(datetime(year - 1, 6, 1).date())  # the package's tables warm
        began = time.perf_counter()
        calendar.is_working_day(datetime(year, 6, 1).date())
        times.append(time.perf_counter() - began)
    return sorted(times)[ROUNDS // 2] * 1e3


def main() -> None:
    data = rows()
    calendar = WorkingCalendar()
    per_row(calendar, data[:100])  # build the tables
    print(f"add + 3 working_minutes: {per_row(calendar, data):.2f} µs/row ({ROWS} rows)")
    print(f"one year's tables: {year_build(WorkingCalendar):.2f} ms")


if __name__ == "__main__":
    main()
