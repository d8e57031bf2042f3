"""What runs in a measured child process: one worker cycle, or one floor.

    python -m bench.child sync CONFIG NOW [CAPTURE]   one `sopsync sync` cycle
    python -m bench.child init CONFIG                 `sopsync init`
    python -m bench.child floor-json FILE REPS        json.loads of a read response
    python -m bench.child floor-xlsx PATH REPS        openpyxl load_workbook + save
    python -m bench.child peer HOW URL KEY ID ROWS COL  a peer gspread script (bench.naive)
    python -m bench.child profile CONFIG NOW OUT      the cycle under cProfile

Each prints one JSON object on its last stdout line. CPU is this process's own
``getrusage`` (user + system); the parent adds the whole process's figures from wait4.

``sync`` runs ``sopsync sync`` through ``syncer.cli.main`` and times its cycle
(``syncer.cli.sync_once``, what a ``sopsync run`` loop repeats) apart from the start-up
(interpreter, imports, configuration, catalog) and the summary. It watches, without
changing anything the worker does:

- every HTTP request (``requests.Session.send``): method, path, body and response sizes,
  wall time and this thread's CPU time inside it (the rest of the wall time is waiting
  for the server), and the exact bytes of the read's response (``CAPTURE``);
- the workbook backend's reads and writes of the file, with their CPU times.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Clock:
    """CPU and wall seconds since creation."""

    def __init__(self) -> None:
        self.cpu0, self.wall0 = cpu(), time.perf_counter()

    def lap(self) -> dict[str, float]:
        return {"cpu": cpu() - self.cpu0, "wall": time.perf_counter() - self.wall0}


STARTED = Clock()  # as early as possible: before the heavy imports


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MiB.

    Not ``ru_maxrss``: Linux carries into it the resident set of the process that forked
    this one, up to the exec, so a child of a large parent would report the parent's size.
    VmHWM belongs to the memory map, which exec replaces."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _instrument(backend: str, capture: str | None) -> dict[str, Any]:
    """Count the worker's I/O; returns the dict the wrappers fill in. Only the modules the
    backend imports anyway are touched (importing requests would weigh on a workbook run)."""
    seen: dict[str, Any] = {"http": [], "loads": [], "saves": []}
    if backend == "google":
        _watch_http(seen, capture)
    else:
        _watch_workbook(seen)
    return seen


def _watch_http(seen: dict[str, Any], capture: str | None) -> None:
    import requests

    send = requests.Session.send

    def watched_send(self, request, **kwargs):
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        response = send(self, request, **kwargs)
        wall, spent = time.perf_counter() - wall0, time.thread_time() - cpu0
        path = request.path_url.split("?")[0]
        body = request.body or b""
        seen["http"].append(
            {
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "request_bytes": len(body),
                "response_bytes": len(response.content),
                "wall": wall,
                "cpu": spent,
            }
        )
        if (
            capture
            and request.method == "GET"
            and "/v4/spreadsheets/" in path
            and response.status_code == 200
        ):
            Path(capture).write_bytes(response.content)
        return response

    requests.Session.send = watched_send  # type: ignore[method-assign]


def _watch_workbook(seen: dict[str, Any]) -> None:
    """The workbook backend's read and write of the file, timed whole (the read parses
    only the tabs it needs; the write rewrites only the parts it changes, or saves the
    workbook whole)."""
    from syncer.backends.xlsx import XlsxBackend

    read, write = XlsxBackend.read, XlsxBackend.write

    def watched_read(self, *args, **kwargs):
        clock = Clock()
        snapshot = read(self, *args, **kwargs)
        seen["loads"].append(clock.lap())
        return snapshot

    def watched_write(self, *args, **kwargs):
        clock = Clock()
        write(self, *args, **kwargs)
        seen["saves"].append(clock.lap())

    XlsxBackend.read = watched_read  # type: ignore[method-assign]
    XlsxBackend.write = watched_write  # type: ignore[method-assign]


def sync(config_path: str, now_text: str, capture: str | None = None) -> dict[str, Any]:
    """`sopsync sync --config F --now T`, through the command line itself, with its cycle
    (``syncer.cli.sync_once``) timed apart from start-up and summary."""
    import importlib
    import tomllib

    import syncer.cli as cli

    backend = tomllib.loads(Path(config_path).read_text()).get("backend", "xlsx")
    importlib.import_module(f"syncer.backends.{backend}")  # as a `sopsync run` loop has it
    seen = _instrument(backend, capture)
    imported = STARTED.lap()
    timings: dict[str, Any] = {}
    sync_once = cli.sync_once

    def timed_sync_once(*args, **kwargs):
        timings["setup"] = main_clock.lap()
        timings["rss_before"] = peak_rss_mb()
        clock = Clock()
        report = sync_once(*args, **kwargs)
        timings["cycle"] = clock.lap()
        timings["report"] = report
        return report

    cli.sync_once = timed_sync_once  # type: ignore[assignment]
    main_clock = Clock()
    code = cli.main(["sync", "--config", config_path, "--now", now_text])
    if code != 0 or "report" not in timings:
        raise SystemExit(f"sopsync sync exited {code}")
    report = timings["report"]
    changes = report.changes
    return {
        "imports": imported,
        "setup": timings["setup"],
        "cycle": timings["cycle"],
        "command": main_clock.lap(),
        "rss_before_cycle_mb": timings["rss_before"],
        "http": seen["http"],
        "loads": seen["loads"],
        "saves": seen["saves"],
        "rows": report.rows,
        "counts": {str(k): v for k, v in report.counts.items()},
        "cells": len(changes.cells),
        "records": len(changes.records),
        "history": len(changes.history),
        "written": report.written,
        "tabs": sorted(changes.tabs),
        "riwayat_read": report.history_read,
    }


def init(config_path: str) -> dict[str, Any]:
    """`sopsync init`, through the command line itself."""
    from syncer.cli import main as sopsync

    return {"code": sopsync(["init", "--config", config_path])}


def _median_laps(laps: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(lap[k] for lap in laps) for k in ("cpu", "wall")}


def decode_floor(data: bytes, reps: int) -> dict[str, Any]:
    """``json.loads`` of a read's exact bytes: the Google floor with the cyclic collector
    paused, as the worker's cycle decodes; also with it on, as a plain script decodes."""
    paused = []
    for _ in range(reps):
        gc.disable()
        clock = Clock()
        json.loads(data)
        paused.append(clock.lap())
        gc.enable()
    plain = []
    for _ in range(reps):
        clock = Clock()
        json.loads(data)
        plain.append(clock.lap())
    return {"bytes": len(data), "decode": _median_laps(paused), "decode_gc_on": _median_laps(plain)}


def floor_json(path: str, reps: int) -> dict[str, Any]:
    """The decode floor of a read response in a fresh process; then the worker's own read
    of the same bytes."""
    data = Path(path).read_bytes()
    out = decode_floor(data, reps)
    out["decode_peak_rss_mb"] = peak_rss_mb()  # an interpreter, the bytes and their objects
    try:
        out["read"] = worker_reads(data, reps)
    except Exception as exc:  # the backend's internals moved: the decode floor still stands
        out["read_error"] = repr(exc)
    return out


def worker_reads(data: bytes, reps: int) -> dict[str, float]:
    """GoogleBackend.read() on these bytes (median): decode plus the worker's parse, no HTTP.

    Bench-only: the backend gets a transport that answers the read with these bytes."""
    from zoneinfo import ZoneInfo

    from syncer.backends.google import GoogleBackend
    from syncer.cycle import cyclic_gc_paused

    class Stub:
        retries = 0
        email = ""

        def batch_get(self, *_args: object) -> Any:
            return json.loads(data)

    laps = []
    for _ in range(reps):
        backend = GoogleBackend("bench", ZoneInfo("Asia/Jakarta"), Stub())  # type: ignore[arg-type]
        with cyclic_gc_paused():  # as in the worker's cycle
            clock = Clock()
            backend.read()
            laps.append(clock.lap())
    return _median_laps(laps)


def floor_xlsx(path: str, reps: int) -> dict[str, Any]:
    """openpyxl alone: load_workbook(path), then save it (temp file, fsync, removed).

    Timed as a plain script runs it, then with the cyclic collector paused, as the
    worker's cycle runs (openpyxl's load is about a quarter faster so)."""
    target = Path(path)
    plain = [_load_save(target) for _ in range(reps)]
    paused = []
    for _ in range(reps):
        gc.collect()
        gc.disable()
        paused.append(_load_save(target))
        gc.enable()
        gc.collect()  # the workbook is full of reference cycles: free it before the next
    return {
        "bytes": target.stat().st_size,
        **{k: _median_laps([lap[k] for lap in plain]) for k in ("load", "save", "total")},
        "total_paused": _median_laps([lap["total"] for lap in paused]),
    }


def _load_save(target: Path) -> dict[str, dict[str, float]]:
    from openpyxl import load_workbook

    clock = Clock()
    book = load_workbook(target)
    loaded = clock.lap()
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=target.parent)
    save = Clock()
    with os.fdopen(fd, "wb") as handle:
        book.save(handle)
        handle.flush()
        os.fsync(handle.fileno())
    saved = save.lap()
    total = clock.lap()
    os.unlink(tmp)
    return {"load": loaded, "save": saved, "total": total}


def peer(
    how: str, base_url: str, key: str, spreadsheet: str, rows: str, first: str
) -> dict[str, Any]:
    """A peer gspread script (``bench.naive``): its CPU from after its imports."""
    import gspread  # noqa: F401  (a script's imports are its start-up, not its cycle)

    from bench import naive
    from tests.emulator import transport  # noqa: F401

    seen: dict[str, Any] = {"http": []}
    _watch_http(seen, None)
    clock = Clock()
    naive.script(base_url, key, spreadsheet, rows, int(first), how)
    wait = sum(max(0.0, h["wall"] - h["cpu"]) for h in seen["http"])
    return {"cycle": clock.lap(), "server_wait": wait, "http": len(seen["http"])}


def profile(config_path: str, now_text: str, out: str) -> dict[str, Any]:
    """`sopsync sync` with its cycle (``sync_once``) under cProfile, timing CPU (not wall:
    waiting for the server is not the worker's work)."""
    import cProfile
    import importlib
    import tomllib

    import syncer.cli as cli

    backend = tomllib.loads(Path(config_path).read_text()).get("backend", "xlsx")
    importlib.import_module(f"syncer.backends.{backend}")
    sync_once = cli.sync_once
    profiler = cProfile.Profile(time.process_time)
    laps: dict[str, Any] = {}

    def profiled(*args, **kwargs):
        clock = Clock()
        profiler.enable()
        try:
            return sync_once(*args, **kwargs)
        finally:
            profiler.disable()
            laps["cycle"] = clock.lap()

    cli.sync_once = profiled  # type: ignore[assignment]
    code = cli.main(["sync", "--config", config_path, "--now", now_text])
    if code != 0:
        raise SystemExit(f"sopsync sync exited {code}")
    profiler.dump_stats(out)
    return {"cycle": laps["cycle"]}


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "sync":
        result = sync(*args)
    elif command == "init":
        result = init(*args)
    elif command == "floor-json":
        result = floor_json(args[0], int(args[1]))
    elif command == "floor-xlsx":
        result = floor_xlsx(args[0], int(args[1]))
    elif command == "peer":
        result = peer(*args)
    elif command == "profile":
        result = profile(*args)
    else:
        print(f"unknown command {command!r}", file=sys.stderr)
        return 2
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
