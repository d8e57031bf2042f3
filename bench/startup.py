"""``python -m bench.startup [--rounds N] [--json FILE]``: what a cron ``sopsync sync`` costs.

A cron line runs ``sopsync sync --config F`` every few minutes: a fresh process that pays
the interpreter, its imports, the configuration, the SOP catalog and the calendar before
its one cycle. This measures that whole process, as cron starts it (what the console
script runs, no ``--now``), against the floor of any Python tool that reads a workbook: a bare
``python -c 'import openpyxl'``.

The timing is paired: the commands run in turns, round after round (the floor's place in
the round moves), so whatever else the machine does falls on all of them alike; each
figure is the median over the rounds of the child's CPU (user + system, from ``wait4``:
that process alone) and of its wall time, with Python's bytecode cache on as on any
office's machine (pip compiles a package when it installs it). The office is 100 rows
(``bench.sheets``), taken over by ``init`` and a first sync. Before each round staff move
5% of the rows; then:

- ``floor``: ``python -c 'import openpyxl'``;
- ``floor gspread``: ``python -c 'import gspread'``, the library the Google path cannot do
  without (it brings requests and google-auth), so that each backend is also set against the
  bare import of its own library (the workbook's is openpyxl, the floor itself);
- ``floor libraries``: the other libraries a workbook's cycle needs, imported bare
  (``LIBRARIES``): the share of a sync that is not sopsync's own code;
- ``xlsx busy``: ``sopsync sync --config F`` on the workbook, which checks the moves and
  writes; ``xlsx idle``: the same again, nothing to write;
- ``google busy`` and ``google idle``: the same on a Google sheet, against the Sheets API
  emulator serving in this process (its CPU is not the child's; its wall time is).

``measure()`` returns the figures (``bench.run`` may call it); ``render()`` the table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.measure import ROOT, progress
from bench.office import GoogleOffice, XlsxOffice
from bench.sheets import documents, moves

ROWS = 100
ROUNDS = 21
BUSY_SHARE = 0.05
FIRST_SYNC = "2026-09-01T09:00"
TARGET_RATIO = 2.0
"""Issue 19: a cron sync of 100 rows within 2× a bare openpyxl import."""
FLOOR = "floor"
GSPREAD_FLOOR = "floor gspread"
LIBRARIES = "floor libraries"
GOOGLE_LIBRARIES = "floor google libraries"
_PYDANTIC = "from pydantic import BaseModel\nclass Model(BaseModel):\n    field: int = 0\n"
FLOORS = {
    FLOOR: "import openpyxl",
    GSPREAD_FLOOR: "import gspread",
    LIBRARIES: (
        f"{_PYDANTIC}import structlog, hijridate, sqlite3, tomllib, zoneinfo, argparse, json,"
        " zipfile, xml.etree.ElementTree"
    ),
    GOOGLE_LIBRARIES: (
        f"{_PYDANTIC}import structlog, hijridate, sqlite3, tomllib, zoneinfo, argparse, json,"
        " gspread"
    ),
}
"""The bare imports measured, by name; a command is set against the one of its backend.
``floor libraries``: what the workbook's cycle needs of other people's code, imported
bare (pydantic with a model made, structlog, hijridate, and the standard library's
modules for its state file, settings, zones, command line and parts; not ``holidays``,
whose answers the state file keeps): what is left above it is sopsync's own.
``floor google libraries``: the same for the Google cycle, gspread in place of the parts:
what the libraries the project must use cost before a cell is read."""


def sopsync_command() -> list[str]:
    """What the ``sopsync`` console script runs (``[project.scripts]`` in pyproject.toml),
    read from there so that a script installed before a change of it cannot be measured."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, function = scripts["sopsync"].split(":")
    code = f"import sys; from {module} import {function}; sys.exit({function}())"
    return [sys.executable, "-c", code]


def child_env() -> dict[str, str]:
    """This environment, with Python's bytecode cache on: an office's machine has the
    package compiled (pip compiles it on install), and so has the floor's openpyxl."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: Sequence[str], cwd: Path) -> tuple[float, float]:
    """(CPU, wall) seconds of one run of ``command``: its own user + system time."""
    with tempfile.TemporaryFile() as out:
        wall0 = time.perf_counter()
        proc = subprocess.Popen(
            list(command), cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=child_env()
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - wall0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            tail = out.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(command)} exited {proc.returncode}:\n{tail}")
    return usage.ru_utime + usage.ru_stime, wall


class Cron:
    """One office on one backend, synced from cron: a busy run after staff moves, then idle."""

    def __init__(self, office: XlsxOffice | GoogleOffice, seed: str):
        from sop_models import load_catalog

        self.office = office
        self.catalog = load_catalog()
        self.docs = documents(ROWS, self.catalog)
        self.rng = random.Random(seed)
        office.build(self.docs)
        office.init()
        office.sync(FIRST_SYNC)
        self.command = [*sopsync_command(), "sync", "--config", str(office.config)]
        timed(self.command, office.folder)  # settled at today's clock, bytecode written

    def round(self) -> dict[str, tuple[float, float]]:
        count = max(1, round(ROWS * BUSY_SHARE))
        self.office.edit(moves(self.docs, self.catalog, count, self.rng))
        busy = timed(self.command, self.office.folder)
        idle = timed(self.command, self.office.folder)
        return {f"{self.office.kind} busy": busy, f"{self.office.kind} idle": idle}


def measure(rounds: int = ROUNDS, google: bool = True) -> dict[str, Any]:
    """The paired figures: per command, the median CPU and wall and their ratio to the floor."""
    work = Path(tempfile.mkdtemp(prefix="sopsync-startup-"))
    emu: Any = None
    try:
        offices = [Cron(XlsxOffice(work / "xlsx"), "startup:xlsx")]
        if google:
            from tests.emulator import Emulator

            emu = Emulator(check_responses=False)
            emu.start()
            offices.append(Cron(GoogleOffice(emu, work / "google"), "startup:google"))
        floors = {
            name: [sys.executable, "-c", code]
            for name, code in FLOORS.items()
            if google or name not in (GSPREAD_FLOOR, GOOGLE_LIBRARIES)
        }
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in floors}

        def bare_imports() -> None:
            for name, command in floors.items():
                runs[name].append(timed(command, work))

        for k in range(rounds):
            place = k % (len(offices) + 1)  # the floors before, between or after the offices
            for index, office in enumerate(offices):
                if index == place:
                    bare_imports()
                for name, figures in office.round().items():
                    runs.setdefault(name, []).append(figures)
            if place == len(offices):
                bare_imports()
            progress(f"startup: round {k + 1}/{rounds}")
    finally:
        if emu is not None:
            emu.stop()
        shutil.rmtree(work, ignore_errors=True)
    return figures_of(runs)


def figures_of(runs: dict[str, list[tuple[float, float]]]) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": ROWS, "rounds": len(runs[FLOOR]), "commands": {}}
    medians = {
        name: (statistics.median(c for c, _ in pairs), statistics.median(w for _, w in pairs))
        for name, pairs in runs.items()
    }
    floor_cpu, floor_wall = medians[FLOOR]
    for name, (cpu, wall) in medians.items():
        out["commands"][name] = {
            "cpu": cpu,
            "wall": wall,
            "cpu_ratio": cpu / floor_cpu,
            "wall_ratio": wall / floor_wall,
        }
        own = own_floor(name)
        if own in medians:
            out["commands"][name]["own_floor"] = own
            out["commands"][name]["own_cpu_ratio"] = cpu / medians[own][0]
    return out


def own_floor(command: str) -> str:
    """The bare import of a command's own backend library."""
    return GSPREAD_FLOOR if command.startswith("google") else FLOOR


def render(figures: dict[str, Any]) -> str:
    """A Markdown table of the figures."""
    lines = [
        f"Cron `sopsync sync` of {figures['rows']} rows against `python -c 'import openpyxl'`:"
        f" paired, medians of {figures['rounds']} rounds (target: within"
        f" {TARGET_RATIO:g}× on CPU).",
        "",
        "| command | CPU s | wall s | CPU vs floor | wall vs floor | CPU vs own library | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f in figures["commands"].items():
        floor = name in FLOORS
        verdict = "" if floor else "met" if f["cpu_ratio"] <= TARGET_RATIO else "missed"
        own = "" if floor or "own_cpu_ratio" not in f else f"{f['own_cpu_ratio']:.2f}×"
        lines.append(
            f"| {name} | {f['cpu']:.3f} | {f['wall']:.3f} | {f['cpu_ratio']:.2f}×"
            f" | {f['wall_ratio']:.2f}× | {own} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"rounds ({ROUNDS})")
    parser.add_argument("--no-google", action="store_true", help="the workbook only")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    os.chdir(ROOT)  # bench and tests importable, as bench.run
    figures = measure(args.rounds, google=not args.no_google)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(render(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
