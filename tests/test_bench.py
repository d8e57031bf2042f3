"""A smoke run of the benchmark's parts, so that they keep working (figures are not judged).

The benchmark itself (``python -m bench.run``: minutes) lives in ``bench/``. Here one
measured cycle, busy then idle, runs per backend in a child process as the benchmark
runs it, and the report is rendered from the checked-in figures.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench import many, naive, report, run, startup, targets
from bench.office import GoogleOffice, XlsxOffice
from bench.sheets import STAFF_HEADERS, documents, moves
from sop_models import load_catalog
from tests.emulator import Emulator
from tests.sheets import run_cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kind", ["xlsx", "google"])
def test_a_measured_cycle_reports_its_requests_and_costs(tmp_path, kind):
    catalog = load_catalog()
    docs = documents(20, catalog)
    with Emulator(check_responses=False) as emu:
        office = XlsxOffice(tmp_path) if kind == "xlsx" else GoogleOffice(emu, tmp_path)
        office.build(docs)
        assert run_cli("init", "--config", office.config).code == 0
        office.edit(moves(docs, catalog, 2, random.Random(1)))
        busy = run.cycle_figures(office.sync(run.FIRST_SYNC))
        idle = run.cycle_figures(office.sync(run.FIRST_SYNC))
    assert (busy["reads"], busy["writes"]) == (1, 1)
    assert (idle["reads"], idle["writes"]) == (1, 0)
    assert busy["cells"] > 0 and idle["cells"] == 0
    assert sum(busy["counts"].values()) == 20
    assert busy["cpu"] > 0 and busy["rss_mb"] > 0
    assert (busy["load_cpu"] > 0) == (kind == "xlsx")


def test_the_report_renders_from_saved_figures(tmp_path):
    out = tmp_path / "RESULTS.md"
    argv = ["--render", str(ROOT / "bench" / "results.json"), "--out", str(out)]
    assert run.main([*argv, "--before", str(tmp_path / "none.json")]) == 0
    report = out.read_text()
    for section in ("## Machine", "## Requests per cycle", "## Google Sheets backend"):
        assert section in report


def taken_over(emu: Emulator, folder: Path, docs: list) -> GoogleOffice:
    """An office's Google sheet of ``docs`` that the worker has taken over (init, a sync)."""
    office = GoogleOffice(emu, folder)
    office.build(docs)
    office.init()
    office.sync(run.NOW)
    return office


def test_the_cycle_as_run_runs_it_is_measured_in_one_process(tmp_path):
    catalog = load_catalog()
    docs = documents(20, catalog)
    with Emulator(check_responses=False) as emu:
        office = taken_over(emu, tmp_path, docs)
        figures = run.as_run(office, docs, catalog, random.Random(2))
    assert len(figures["cycles"]) == len(run.RUN_PLAN)
    assert (figures["busy"]["reads"], figures["busy"]["writes"]) == (1, 1)
    assert figures["busy"]["cells"] > 0 and figures["busy"]["cpu"] > 0
    assert figures["floor"]["bytes"] == figures["busy"]["read_bytes"]
    assert figures["floor"]["decode"]["cpu"] > 0


def test_the_peers_write_row_by_row_and_in_one_batch(tmp_path):
    catalog = load_catalog()
    docs = documents(20, catalog)
    with Emulator(check_responses=False) as emu:
        office = taken_over(emu, tmp_path, docs)
        office.edit(moves(docs, catalog, 3, random.Random(3)))
        before = office.worker_cells()
        office.sync(run.NOW)
        after = office.worker_cells()
        first = len(STAFF_HEADERS)
        rows = naive.changed_rows(before, after, range(first, len(after[0])))
        # The peers write what sopsync wrote, over the values before it did.
        for number, row in enumerate(before, start=1):
            for col in range(first, len(row)):
                office.dokumen.set_value(number - 1, col, row[col])
        one_by_one = naive.run(emu, str(office.key), office.id, rows, first, "naive", tmp_path)
        batched = naive.run(emu, str(office.key), office.id, rows, first, "batched", tmp_path)
        written = office.worker_cells()
    assert rows and (one_by_one.reads, one_by_one.writes) == (3, len(rows))
    assert (batched.reads, batched.writes) == (3, 1)
    assert all(written[n - 1][first:] == after[n - 1][first:] for n in rows)
    assert one_by_one.cpu > 0 and batched.wall > 0


def test_many_sheets_in_one_run_are_counted_per_minute(tmp_path):
    with Emulator(check_responses=False) as emu:
        figures = many.measure(emu, tmp_path, sheets=2, rows=20, minutes=2)
    assert figures["cycles"] == 4 and figures["failed_sheets"] == 0
    assert figures["max_reads_per_minute"] == 2
    assert figures["longest_gap"] == many.INTERVAL
    assert figures["peak_rss_mb"] > 0


def test_the_most_requests_in_any_minute_slide_with_the_clock():
    assert many.most_in_a_minute([]) == 0
    assert many.most_in_a_minute([0, 30, 59.9, 60, 61]) == 4
    assert many.most_in_a_minute([0, 60, 120]) == 1


def test_a_cron_sync_is_timed_against_a_bare_openpyxl_import():
    figures = startup.measure(rounds=1, google=False)
    commands = figures["commands"]
    assert set(commands) == {"floor", "floor libraries", "xlsx busy", "xlsx idle"}
    assert commands["floor"]["cpu_ratio"] == 1.0
    assert commands["xlsx busy"]["cpu"] > 0 and commands["xlsx idle"]["wall"] > 0


def test_a_google_cron_sync_is_also_set_against_a_bare_gspread_import():
    runs = {
        "floor": [(0.1, 0.1)],
        "floor gspread": [(0.2, 0.2)],
        "xlsx busy": [(0.25, 0.25)],
        "google busy": [(0.3, 0.4)],
    }
    commands = startup.figures_of(runs)["commands"]
    assert commands["google busy"]["cpu_ratio"] == pytest.approx(3.0)
    assert commands["google busy"]["own_cpu_ratio"] == pytest.approx(1.5)
    assert commands["xlsx busy"]["own_cpu_ratio"] == pytest.approx(2.5)  # openpyxl: the floor
    table = startup.render(startup.figures_of(runs))
    assert "| google busy | 0.300 | 0.400 | 3.00× | 4.00× | 1.50× | missed |" in table


def test_the_google_target_names_what_its_libraries_cost_bare():
    runs = {
        "floor": [(0.1, 0.1)],
        "floor gspread": [(0.17, 0.17)],
        "floor google libraries": [(0.24, 0.24)],
        "google busy": [(0.26, 0.3)],
    }
    figures = {"startup": startup.figures_of(runs)}
    (row,) = targets._startup_targets(figures["startup"])
    assert row[2] == "missed"
    assert "its libraries alone, imported bare, are already 2.40× the floor" in row[1]


def test_a_failed_case_is_reported_and_the_others_kept(tmp_path):
    def broken() -> dict:
        raise RuntimeError("the emulator went away")

    figures = report.load_figures(ROOT / "bench" / "results.json")
    figures["results"][1_000]["google"] = run.attempt(broken)
    figures["many"] = run.attempt(broken)
    text = report.render(figures, 60.0)
    assert "## Failed cases" in text and "the emulator went away" in text
    assert "| google 1,000 rows |" in text and "| many |" in text
    assert "| 1,000 | xlsx |" in text  # the case next to it is still there
