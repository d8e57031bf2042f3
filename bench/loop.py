"""The worker as ``sopsync run`` runs it: one long-lived process, cycle after cycle.

The child (``python -m bench.loop CONFIG START``) drives ``syncer.cli.serve``, the very
loop ``sopsync run`` runs (``worker.run_forever`` → ``SheetService.cycle`` →
``cli.sync_once``), on a fake monotonic clock: a wait between cycles moves the clock on
instead of sleeping, and the pacer and the retries sleep on it too. The worker keeps
whatever it learned in earlier cycles, as a real ``run`` does.

Before each wait the child sends the parent one JSON line (the cycles since the last
one, the clock) and reads its answer on stdin: ``go`` once staff have made their moves
(the parent edits the sheets, as staff do in the browser), ``capture`` to go and keep
the next busy read's bytes, or ``stop``. Each cycle's figures: the worker's CPU (this
process's user + system time: the emulator serves in the parent), wall time and the
part of it spent waiting for the server, and each Sheets API request with the fake
time the pacer let it go. At the end, in the same process and conditions as the worker
(collector paused, its modules and what it keeps in memory), the decode floor of the
captured read: ``json.loads`` of its exact bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.measure import ROOT, ChildFailed

FLOOR_REPS = 5


@dataclass
class Served:
    """What a run loop child reported."""

    cycles: list[dict[str, Any]]
    final: dict[str, Any]
    cpu: float
    """The whole process: user + system seconds (wait4)."""
    wall: float
    parent_cpu: float
    """The parent meanwhile: the emulator serving the child, and staff's edits."""


def serve(
    config: Path, start: str, between: Callable[[int, float], str], timeout: float = 3600.0
) -> Served:
    """Run the loop child on ``config`` from ``start``; ``between(cycles_done, clock)`` is
    called at each wait and answers ``go``, ``capture`` or ``stop``."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    parent0, wall0 = time.process_time(), time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.loop", str(config), start],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    errors: deque[str] = deque(maxlen=30)  # the worker logs there: keep the end
    reader = threading.Thread(target=lambda: errors.extend(proc.stderr or []), daemon=True)
    reader.start()
    cycles: list[dict[str, Any]] = []
    final: dict[str, Any] = {}
    try:
        for line in proc.stdout:
            message = json.loads(line)
            cycles.extend(message.get("cycles", []))
            if "final" in message:
                final = message["final"]
                break
            proc.stdin.write(between(len(cycles), message["clock"]) + "\n")
            proc.stdin.flush()
        proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        watchdog.cancel()
    reader.join(timeout=10)
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or not final:
        tail = "".join(errors)
        raise ChildFailed(f"bench.loop {config} exited {code}:\n{tail}")
    return Served(
        cycles,
        final,
        usage.ru_utime + usage.ru_stime,
        time.perf_counter() - wall0,
        time.process_time() - parent0,
    )


# --- the child ------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def child(config_path: str, start_text: str) -> dict[str, Any]:
    # The parent reads messages on stdout: what the worker prints or logs goes to stderr.
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)

    import syncer.cli as cli
    from bench.child import Clock, decode_floor, peak_rss_mb, worker_reads
    from syncer.pacing import Quotas
    from syncer.service import Shared, Transports
    from syncer.sheets import load_sheets

    clock = FakeClock()
    start = datetime.fromisoformat(start_text)
    sheets = load_sheets(Path(config_path))
    if any(sheet.config.backend == "google" for sheet in sheets):
        import syncer.backends.google  # noqa: F401  (as `run` has it before its first cycle)
    http: list[dict[str, Any]] = []
    wants = {"capture": False}
    captured: dict[str, bytes] = {}
    _watch(http, clock, wants, captured)
    pending: list[dict[str, Any]] = []
    sync_once = cli.sync_once

    def timed(*args: Any, **kwargs: Any) -> Any:
        del http[:]
        rss0 = peak_rss_mb()
        started_at = clock.now
        lap = Clock()
        try:
            report = sync_once(*args, **kwargs)
        except Exception as exc:  # the loop logs it and goes on: so does the bench
            sent = [[h["clock"], h["kind"]] for h in http if h["api"]]
            pending.append({"clock": started_at, "failed": repr(exc), "sent": sent, **lap.lap()})
            raise
        spent = lap.lap()
        sheets_api = [h for h in http if h["api"]]
        pending.append(
            {
                "sheet": report.target,
                "clock": started_at,
                "cpu": spent["cpu"],
                "wall": spent["wall"],
                "server_wait": sum(max(0.0, h["wall"] - h["cpu"]) for h in http),
                "reads": sum(1 for h in sheets_api if h["kind"] == "read"),
                "writes": sum(1 for h in sheets_api if h["kind"] == "write"),
                "tokens": sum(1 for h in http if not h["api"]),
                "read_bytes": sum(h["response_bytes"] for h in sheets_api if h["kind"] == "read"),
                "write_bytes": sum(h["request_bytes"] for h in sheets_api if h["kind"] == "write"),
                "sent": [[h["clock"], h["kind"]] for h in sheets_api],
                "cells": len(report.changes.cells),
                "rows": report.rows,
                "peak_rss_mb_before": rss0,
            }
        )
        return report

    cli.sync_once = timed
    stop = threading.Event()

    def wait(seconds: float) -> None:
        print(json.dumps({"cycles": pending, "clock": clock.now}), file=channel, flush=True)
        del pending[:]
        answer = sys.stdin.readline().strip()
        if answer in ("", "stop"):
            stop.set()
            return
        wants["capture"] = answer == "capture"
        clock.sleep(seconds)

    shared = Shared(Transports(Quotas(clock, clock.sleep), clock.sleep, len(sheets) == 1))
    started = Clock()
    cli.serve(
        sheets,
        shared,
        lambda zone: (start + timedelta(seconds=clock.now)).replace(tzinfo=zone),
        stop,
        clock,
        wait,
    )
    final: dict[str, Any] = {"loop": started.lap(), "peak_rss_mb": peak_rss_mb()}
    if "read" in captured:  # after the loop: its memory peak is the worker's own
        data = captured["read"]
        final["floor"] = decode_floor(data, FLOOR_REPS)
        try:
            final["floor"]["read"] = worker_reads(data, FLOOR_REPS)
        except Exception as exc:  # the backend's internals moved: the decode floor stands
            final["floor"]["read_error"] = repr(exc)
    print(json.dumps({"cycles": pending, "final": final}), file=channel, flush=True)
    return final


def _watch(
    http: list[dict[str, Any]],
    clock: FakeClock,
    wants: dict[str, bool],
    captured: dict[str, bytes],
) -> None:
    """Note every HTTP request the worker sends; keep the read's bytes when asked."""
    import requests

    send = requests.Session.send

    def watched(self: Any, request: Any, **kwargs: Any) -> Any:
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        sent_at = clock.now
        response = send(self, request, **kwargs)
        path = request.path_url.split("?")[0]
        api = "/v4/spreadsheets" in path
        read = request.method == "GET" or path.endswith(":batchGet")
        http.append(
            {
                "api": api,
                "kind": "read" if read else "write",
                "clock": sent_at,
                "request_bytes": len(request.body or b""),
                "response_bytes": len(response.content),
                "wall": time.perf_counter() - wall0,
                "cpu": time.thread_time() - cpu0,
            }
        )
        if api and read and wants["capture"] and response.status_code == 200:
            captured["read"] = response.content
        return response

    requests.Session.send = watched  # type: ignore[method-assign]


if __name__ == "__main__":
    child(*sys.argv[1:3])
