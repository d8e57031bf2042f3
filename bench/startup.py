"""Cron's start-up: a whole ``sopsync sync`` process against a bare ``import openpyxl``.

A sync from cron pays for the interpreter, the imports, the configuration, the calendar
and the catalog before its one cycle. ``measure`` times, round after round, a 100-row
office's ``sopsync sync`` after staff moved 5% of its rows (busy) and once more (idle),
on each backend, and ``python -c 'import openpyxl'`` (the floor), whose place in the
round moves so that whatever else the machine does falls on all alike. Each figure is
the median over the rounds of that process's CPU (user + system, from ``wait4``) and
wall time, with its ratio to the floor's. Target (issue 19): within 2× on CPU.

This is the bench's own minimal version; a fuller one (branch ``startup``) keeps the
same ``measure(rounds, google)`` and the shape of its figures.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import progress
from bench.office import GoogleOffice, XlsxOffice
from bench.sheets import documents, moves

ROWS = 100
ROUNDS = 21
FLOOR = "floor"
BARE = (sys.executable, "-c", "import openpyxl")
FIRST_SYNC = "2026-09-01T09:00"


def timed(command: tuple[str, ...], cwd: Path) -> tuple[float, float]:
    """One run of ``command``: its CPU (user + system) and wall seconds; raises if it fails."""
    wall0 = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - wall0
    assert proc.stderr is not None
    error = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {error.strip()[-500:]}")
    return usage.ru_utime + usage.ru_stime, wall


def _cron(office: XlsxOffice | GoogleOffice, docs: list[Any]) -> tuple[str, ...]:
    """The office taken over and settled; ``sopsync sync`` as its cron line runs it."""
    office.build(docs)
    office.init()
    office.sync(FIRST_SYNC)
    script = str(Path(sys.executable).with_name("sopsync"))
    command = (script, "sync", "--config", str(office.config))
    timed(command, office.folder)  # settled at today's clock; the page cache warm
    return command


def _catalog() -> Any:
    from sop_models import load_catalog

    return load_catalog()


def measure(rounds: int = ROUNDS, google: bool = True) -> dict[str, Any]:
    """Per command (``floor``, ``xlsx busy``, ``xlsx idle``, ``google busy`` …): the median
    CPU and wall seconds and their ratios to the floor's."""
    work = Path(tempfile.mkdtemp(prefix="sopsync-startup-"))
    emu: Any = None
    try:
        offices: list[XlsxOffice | GoogleOffice] = [XlsxOffice(work / "xlsx")]
        if google:
            from tests.emulator import Emulator

            emu = Emulator(check_responses=False)
            emu.start()
            offices.append(GoogleOffice(emu, work / "google"))
        catalog = _catalog()
        docs = {office.kind: documents(ROWS, catalog) for office in offices}
        commands = {office.kind: _cron(office, docs[office.kind]) for office in offices}
        rng = random.Random("startup")
        runs: dict[str, list[tuple[float, float]]] = {FLOOR: []}
        for k in range(rounds):
            place = k % (len(offices) + 1)  # the floor before, between or after the offices
            for index, office in enumerate([*offices, None]):
                if index == place:
                    runs[FLOOR].append(timed(BARE, work))
                if office is None:
                    continue
                office.edit(moves(docs[office.kind], catalog, max(1, ROWS // 20), rng))
                for cycle in ("busy", "idle"):
                    lap = timed(commands[office.kind], office.folder)
                    runs.setdefault(f"{office.kind} {cycle}", []).append(lap)
            progress(f"startup: round {k + 1}/{rounds}")
    finally:
        if emu is not None:
            emu.stop()
        shutil.rmtree(work, ignore_errors=True)
    return figures_of(runs)


def figures_of(runs: dict[str, list[tuple[float, float]]]) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": ROWS, "rounds": len(runs[FLOOR]), "commands": {}}
    floor_cpu = statistics.median(cpu for cpu, _ in runs[FLOOR])
    floor_wall = statistics.median(wall for _, wall in runs[FLOOR])
    for name, laps in runs.items():
        cpu = statistics.median(c for c, _ in laps)
        wall = statistics.median(w for _, w in laps)
        out["commands"][name] = {
            "cpu": cpu,
            "wall": wall,
            "cpu_ratio": cpu / floor_cpu,
            "wall_ratio": wall / floor_wall,
        }
    return out
