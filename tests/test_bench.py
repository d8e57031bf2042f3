"""A smoke run of the benchmark command, so that it keeps working (figures are not judged)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_command_writes_its_report(tmp_path):
    out, raw = tmp_path / "RESULTS.md", tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--sizes",
            "100",
            "--profile",
            "0",
            "--out",
            str(out),
            "--json",
            str(raw),
            "--before",
            str(tmp_path / "none.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "met  Requests per cycle: 1 idle, 2 busy" in done.stdout
    report = out.read_text()
    for section in ("## Machine", "## Requests per cycle", "## Google Sheets backend"):
        assert section in report
    figures = json.loads(raw.read_text())["results"]["100"]
    for backend in ("xlsx", "google"):
        assert figures[backend]["busy"]["requests"] == 2
        assert figures[backend]["idle"]["requests"] == 1
    assert figures["google"]["naive"]["requests"] > 2  # the naive script: a request per row
