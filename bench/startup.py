"""Cron's start-up: a whole ``sopsync sync`` process against a bare ``import openpyxl``.

A sync from cron pays for the interpreter, the imports, the configuration, the calendar
and the catalog before its one cycle. ``measure`` times the two commands in pairs, run
one after the other in alternating order (so that neither always runs on a warmer cache
or a quieter machine), after one unmeasured run of each; it returns the medians of each
process's CPU (user + system, from wait4: the whole process) and wall time, and their
ratios. The target (issue 19): a 100-row sync within 2× the bare import.

(This is the bench's own minimal version; a fuller one may replace it with the same
``measure``.)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BARE = (sys.executable, "-c", "import openpyxl")


def sopsync_command(config: Path, now: str) -> tuple[str, ...]:
    """``sopsync sync`` as cron runs it: the installed command, the configuration."""
    script = Path(sys.executable).with_name("sopsync")
    return (str(script), "sync", "--config", str(config), "--now", now)


def timed(command: tuple[str, ...], cwd: Path) -> dict[str, float]:
    """One run of ``command``: its CPU (user + system) and wall seconds; raises when it fails."""
    wall0 = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ)
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - wall0
    if os.waitstatus_to_exitcode(status) != 0:
        error = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{' '.join(command)} failed: {error.strip()[-500:]}")
    if proc.stderr:
        proc.stderr.close()
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall}


def measure(config: Path, now: str, pairs: int = 9) -> dict[str, Any]:
    """Paired timing of a cron ``sopsync sync`` of ``config`` and a bare openpyxl import."""
    sync = sopsync_command(config, now)
    cwd = config.parent
    timed(sync, cwd), timed(BARE, cwd)  # warm the page cache; not counted
    runs: dict[str, list[dict[str, float]]] = {"sync": [], "bare": []}
    for k in range(pairs):
        order = (("sync", sync), ("bare", BARE))
        for name, command in order if k % 2 == 0 else order[::-1]:
            runs[name].append(timed(command, cwd))
    out: dict[str, Any] = {"pairs": pairs}
    for name, laps in runs.items():
        out[name] = {key: statistics.median(lap[key] for lap in laps) for key in ("cpu", "wall")}
    for key in ("cpu", "wall"):
        out[f"{key}_ratio"] = out["sync"][key] / out["bare"][key]
    return out
