"""The Kinerja tab's grid (DESIGN §10): what a supervisor reads at a glance, and when it is due."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from syncer import layout
from syncer.calendar import DayKind, OfficeDate
from syncer.contract import KINERJA, STATUS_COLOURS, Status
from syncer.monitoring import good_share_text
from syncer.monitoring.kinerja import kinerja_tab
from syncer.monitoring.refresh import next_refresh, refresh_due
from syncer.views import HEADER, TITLE, values_of
from tests.sheets import run_cli
from tests.test_monitoring_measures import CALENDAR, CATALOG, HAND, NOW, at

ORANGE = Status.TERLAMBAT.value
ORANGE_FILL = STATUS_COLOURS[Status.TERLAMBAT]


def rows_after(grid, title: str) -> list[list]:
    """The table under a section title, header first, up to the next blank row."""
    values = values_of(grid)
    start = values.index([title]) + 1
    end = next((i for i in range(start, len(values)) if not values[i]), len(values))
    return grid[start:end]


def test_the_tab_shows_the_semester_slowest_steps_first_and_orange_over_standard():
    grid = kinerja_tab(HAND, CATALOG, CALENDAR, NOW)
    values = values_of(grid)
    assert values[0][0].startswith("Kinerja SOP") and grid[0][0].style == TITLE
    assert values[1] == ["Diperbarui", datetime(2026, 12, 1, 9, 0)]
    assert values[2] == ["Periode", "1 Juli s.d. 31 Desember 2026"]
    assert any(row[:1] == ["Tidak dihitung"] for row in values)  # E and F: skipped 2

    procedures = rows_after(grid, "Per prosedur")
    lb = next(row for row in procedures if row[0].value == "Penyusunan Laporan Bulanan")
    judged = ["Penyusunan Laporan Bulanan", "Tidak berjalan dengan baik"]
    assert [c.value for c in lb] == [*judged, 9, 66, 1, 1, 1]  # moves, %, returns, open, late
    assert lb[1].style == lb[3].style == lb[6].style == ORANGE  # Penilaian, share, late
    rka = next(row for row in procedures if row[0].value == "Penyusunan RKA")
    assert [c.value for c in rka][1:4] == ["Belum dapat dinilai", 1, ""]

    steps = rows_after(grid, "Per langkah (yang paling lambat terhadap Mutu Baku di atas)")
    assert all(cell.style == HEADER for cell in steps[0])
    order = [(row[0].value, row[1].value.split(" - ")[0]) for row in steps[1:]]
    lb_title, rka_title = "Penyusunan Laporan Bulanan", "Penyusunan RKA"
    # Median over Mutu Baku: step 5 210/10 min; 3, 1 and 6 at 1 (3 least often within);
    # 2 345/450; 4 15/20 and 7 90/120. Last rka step 1, which has no Waktu: counts only.
    assert [n for t, n in order if t == lb_title] == ["5", "3", "1", "6", "2", "4", "7"]
    assert order[-1] == (rka_title, "1")
    five = steps[1]
    assert [c.value for c in five[2:]] == [
        "Camat",
        1,
        "3 jam 30 menit",  # 210 min: to the minute, so that it never reads as its Mutu Baku
        "3 jam 30 menit",
        "10 menit",
        0,
        "",
    ]
    assert five[4].style == ORANGE and five[7].style == ORANGE
    no_waktu = steps[-1]
    # no Mutu Baku: the time taken shows, nothing is judged against it
    assert [c.value for c in no_waktu[3:]] == [1, "2 jam", "2 jam", "-", "", ""]
    assert no_waktu[4].style == ""

    roles = {
        row[0].value: [c.value for c in row[1:]] for row in rows_after(grid, "Per pelaksana")[1:]
    }
    assert roles["Camat"] == ["Penyusunan Laporan Bulanan, langkah 5", 0, 0, 2, 0]
    assert roles["Sekcam"] == ["", 1, 1, 1, 100]
    assert roles["Tim"] == ["", 0, 0, 0, ""]
    assert all(len(row) <= len(layout.KINERJA.widths) for row in grid)


def test_the_demo_history_fills_the_tab_with_figures(tmp_path):
    path = tmp_path / "demo.xlsx"
    assert run_cli("demo", path, "--now", "2026-11-24T10:00", "--history").code == 0
    rows = list(load_workbook(path)[KINERJA].iter_rows())
    titles = [row[0].value for row in rows]

    def table(title: str) -> list[list]:
        start = titles.index(title) + 2  # past the title and the header
        end = titles.index(None, start)
        return rows[start:end]

    procedures = table("Per prosedur")
    assert len(procedures) == 12 and procedures[-1][0].value == "Jumlah"  # eleven SOPs
    assert all(row[2].value > 0 for row in procedures[:-1])  # each moved this semester
    assert procedures[-1][2].value > 250
    steps = table("Per langkah (yang paling lambat terhadap Mutu Baku di atas)")
    timed = [row for row in steps if row[6].value != "-"]
    assert steps[: len(timed)] == timed  # steps without Waktu (counts only) come last
    medians = [row[4] for row in timed]
    assert len(medians) > 40 and all(
        re.fullmatch(r"(\d+ hari)? ?(\d+ jam)? ?(\d+ menit)?", m.value) for m in medians
    )
    over = [m for m in medians if m.fill.fgColor.rgb.endswith(ORANGE_FILL)]
    assert 0 < len(over) < len(medians)  # some steps over standard, not all
    assert medians[: len(over)] == over  # the slowest first


def test_the_tab_is_due_by_the_first_cycle_of_each_working_day_after_its_refresh():
    friday = at("2026-11-27T07:35")
    monday = at("2026-11-30T00:00")
    assert refresh_due(None, at("2026-11-27T08:00"), CALENDAR)  # never refreshed
    assert not refresh_due(friday, at("2026-11-27T15:00"), CALENDAR)  # the same day
    assert not refresh_due(friday, at("2026-11-28T09:00"), CALENDAR)  # Saturday: no work
    assert next_refresh(friday, at("2026-11-28T09:00"), CALENDAR) == monday
    assert refresh_due(friday, at("2026-11-30T00:05"), CALENDAR)  # Monday's first cycle
    assert not refresh_due(at("2026-11-30T00:05"), at("2026-11-30T16:00"), CALENDAR)
    # The worker was off on Thursday and Friday: due again on the next working day.
    assert next_refresh(at("2026-11-25T10:00"), at("2026-11-28T09:00"), CALENDAR) == monday
    # The office's Kalender: Monday off, Saturday 5 December worked.
    office = CALENDAR.with_office_dates(
        {
            date(2026, 11, 30): OfficeDate(DayKind.LIBUR),
            date(2026, 12, 5): OfficeDate(DayKind.MASUK),
        }
    )
    assert next_refresh(friday, at("2026-11-28T09:00"), office) == at("2026-12-01T00:00")
    assert next_refresh(at("2026-12-04T09:00"), at("2026-12-04T15:00"), office) == at(
        "2026-12-05T00:00"
    )


def test_the_benchmark_of_a_refresh_runs(tmp_path):
    """A smoke run of `python -m bench.kinerja` (figures are not judged)."""
    out = tmp_path / "KINERJA.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench.kinerja", "--sizes", "300", "--runs", "1", "--out", out],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "| 300 |" in out.read_text()


@pytest.mark.parametrize(
    ("share", "shown"), [(0.8, "80"), (0.605, "60,5"), (0.5, "50"), (1.0, "100"), (0.0125, "1,25")]
)
def test_the_good_share_is_shown_exactly_so_a_verdict_never_contradicts_it(share, shown):
    assert good_share_text(share) == shown
