"""Run ``bench.child`` in a child process and collect its figures.

The child's own figures (the cycle apart from start-up, I/O it saw, its peak RSS from
/proc/self/status) come from its last stdout line; the whole process's CPU comes from
``os.wait4``, i.e. from the kernel, for exactly that child: nothing the parent (or the
emulator serving in the parent's threads) does is counted.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class ChildFailed(RuntimeError):
    pass


@dataclass
class Child:
    """One finished child process."""

    result: dict[str, Any]
    cpu: float
    """User + system seconds of the whole process (start-up and imports included)."""
    wall: float
    max_rss_mb: float
    """Peak resident set of the child (VmHWM)."""
    parent_cpu: float = 0.0
    """CPU the parent spent meanwhile: the in-process emulator serving the child."""
    extra: dict[str, Any] = field(default_factory=dict)


def run_child(*args: object, timeout: float = 900.0, root: Path = ROOT) -> Child:
    """``python -m bench.child ARGS``; raises ChildFailed with its stderr on failure.

    ``root``: the checkout whose worker (and ``bench.child``) runs, this one by default."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    if root != ROOT:
        env["PYTHONPATH"] = str(root)  # ahead of this checkout's editable install
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        parent0 = time.process_time()
        wall0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.child", *map(str, args)],
            cwd=root,
            stdout=out,
            stderr=err,
            env=env,
        )
        watchdog = threading.Timer(timeout, proc.kill)  # wait4 below releases the GIL
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        wall = time.perf_counter() - wall0
        parent_cpu = time.process_time() - parent0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    if proc.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        what = " ".join(map(str, args))
        raise ChildFailed(f"bench.child {what} exited {proc.returncode}:\n{tail}")
    result = json.loads(stdout.strip().splitlines()[-1])
    return Child(
        result=result,
        cpu=usage.ru_utime + usage.ru_stime,
        wall=wall,
        # The child's own VmHWM: wait4's ru_maxrss would include this (large) parent's RSS,
        # which Linux carries into a child's maximum up to its exec.
        max_rss_mb=result.get("peak_rss_mb", usage.ru_maxrss / 1024),
        parent_cpu=parent_cpu,
    )


def is_read(method_id: str) -> bool:
    """A Sheets API method that counts against the read quota."""
    last = method_id.rsplit(".", 1)[-1]
    return last.startswith(("get", "batchGet")) or last == "search"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
