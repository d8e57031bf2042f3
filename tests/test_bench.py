"""A smoke run of the benchmark's parts, so that they keep working (figures are not judged).

The benchmark itself (``python -m bench.run``: minutes) lives in ``bench/``. Here one
measured cycle, busy then idle, runs per backend in a child process as the benchmark
runs it, and the report is rendered from the checked-in figures.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench import run
from bench.office import GoogleOffice, XlsxOffice
from bench.sheets import documents, moves
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
