"""Many sheets served by one ``sopsync run`` (DESIGN §11): quota, CPU and memory.

Thirty kecamatan, each a 1,000-row sheet in the emulator, all reached with one service
account: ``init`` and a first sync of every sheet from one ``sopsync`` process each, as an
admin would start, then one ``run`` process (``bench.loop``: the real run loop on a fake
clock, each sheet polled every minute) over a simulated span. Each simulated minute,
staff move rows in about half of the sheets (2% of their rows each), so most cycles
write. Measured: Sheets API requests per minute (the most in any sliding minute, and
the mean) against Google's quota of 60 reads and 60 writes per user and 300 per
project; the worker's CPU per simulated minute; the longest a sheet waited between two
cycles; the process's peak memory, to be set against one 1,000-row sheet's ``run``.
"""

from __future__ import annotations

import bisect
import json
import random
from pathlib import Path
from typing import Any

from bench import loop
from bench.measure import progress, run_child
from bench.office import TIMEOUT, GoogleOffice
from bench.sheets import documents, moves

FULL = (30, 1_000, 15)
"""Sheets, rows each, simulated minutes."""
QUICK = (5, 100, 3)
INTERVAL = 60
MOVED_SHARE = 0.02
FIRST_SYNC = "2026-09-01T09:00"
NOW = "2026-11-24T09:00"


def measure(emu: Any, folder: Path, sheets: int, rows: int, minutes: int) -> dict[str, Any]:
    from sop_models import load_catalog

    catalog = load_catalog()
    folder.mkdir(parents=True, exist_ok=True)
    key = Path(emu.make_service_account_key(folder)).resolve()
    offices, books = [], []
    for k in range(sheets):
        office = GoogleOffice(emu, folder / f"kec-{k + 1:02}", key, f"Kecamatan {k + 1:02}")
        docs = documents(rows, catalog, seed=100 + k)
        office.build(docs)
        offices.append(office)
        books.append(docs)
    config = folder / "kabupaten.toml"
    config.write_text(_config(key, emu.base_url, [o.id for o in offices]))
    progress(f"many sheets: init and a first sync of {sheets} sheets")
    run_child("init", config)
    run_child("sync", config, FIRST_SYNC)
    rng = random.Random(f"many:{sheets}:{rows}")

    def between(_done: int, clock: float) -> str:
        if clock + INTERVAL >= minutes * 60:  # `minutes` rounds of cycles: 0, 60 … s
            return "stop"
        for k in rng.sample(range(sheets), max(1, sheets // 2)):
            count = max(1, round(rows * MOVED_SHARE))
            offices[k].edit(moves(books[k], catalog, count, rng))
        return "go"

    served = loop.serve(config, NOW, between)
    return figures(served, sheets, rows, minutes)


def _config(key: Path, endpoint: str, ids: list[str]) -> str:
    lines = [
        'backend = "google"',
        "[google]",
        f'credentials = "{key}"',
        f'endpoint = "{endpoint}"',
        f"timeout_seconds = {TIMEOUT:g}",
        "[worker]",
        f"interval_seconds = {INTERVAL}",
    ]
    for k, sid in enumerate(ids):
        name = f"Kecamatan {k + 1:02}"
        lines += ["[[sheets]]", f'name = "{name}"', f"spreadsheet = {json.dumps(sid)}"]
    return "\n".join(lines) + "\n"


def most_in_a_minute(times: list[float]) -> int:
    """The most requests in any sliding 60 s (starting at a request: where the most begin)."""
    times = sorted(times)
    return max((bisect.bisect_left(times, t + 60) - i for i, t in enumerate(times)), default=0)


def figures(served: loop.Served, sheets: int, rows: int, minutes: int) -> dict[str, Any]:
    failed = [c for c in served.cycles if "failed" in c]
    cycles = [c for c in served.cycles if "failed" not in c]
    span = max(minutes, 1)
    sent: dict[str, list[float]] = {"read": [], "write": []}
    for cycle in served.cycles:  # a failed cycle's requests count against the quota too
        for at, kind in cycle["sent"]:
            sent[kind].append(at)
    gaps = []
    by_sheet: dict[str, list[float]] = {}
    for cycle in cycles:
        by_sheet.setdefault(cycle["sheet"], []).append(cycle["clock"])
    for times in by_sheet.values():
        gaps += [b - a for a, b in zip(times, times[1:], strict=False)]
    return {
        "sheets": sheets,
        "rows": rows,
        "minutes": minutes,
        "interval": INTERVAL,
        "cycles": len(cycles),
        "busy_cycles": sum(1 for c in cycles if c["writes"]),
        "failed_sheets": sheets - len(by_sheet),
        "failed_cycles": len(failed),
        "failures": sorted({c["failed"] for c in failed})[:5],
        "reads": len(sent["read"]),
        "writes": len(sent["write"]),
        "max_reads_per_minute": most_in_a_minute(sent["read"]),
        "max_writes_per_minute": most_in_a_minute(sent["write"]),
        "mean_reads_per_minute": len(sent["read"]) / span,
        "mean_writes_per_minute": len(sent["write"]) / span,
        "cycle_cpu_per_minute": sum(c["cpu"] for c in cycles) / span,
        "process_cpu": served.cpu,
        "process_cpu_per_minute": served.cpu / span,
        "max_cycle_cpu": max((c["cpu"] for c in cycles), default=float("nan")),
        "longest_gap": max(gaps, default=float("nan")),
        "peak_rss_mb": served.final["peak_rss_mb"],
        "wall": served.wall,
        "emulator_cpu": served.parent_cpu,
    }
