"""`sopsync run`: repeat the cycle until stopped.

One timer: the next cycle starts an interval after the last one started or, after a
failed cycle, sooner (5 s, 10 s, 20 s … never longer than the interval): a retry and
the regular cycle never both run. A failure is a warning, and an error once
``[worker] failures_before_error`` cycles in a row have failed. Each cycle that
completes is logged with its counts and the IDs of late and invalid documents.

Time is read from a monotonic clock and waited out on the stop event, both passed in,
so that tests drive the loop with a fake clock; SIGINT and SIGTERM set the event, and
the loop stops between cycles.
"""

from __future__ import annotations

import gc
import signal
import sys
import threading
import time
from collections.abc import Callable

import structlog

from syncer import contract as c
from syncer import logs
from syncer.backends import BackendError, Misconfigured
from syncer.config import Config
from syncer.cycle import Attention, Report

log = structlog.get_logger("sopsync.worker")

FIRST_BACKOFF = 5.0
SHOWN_IDS = 10
"""Late and invalid documents named per cycle in the log; more are counted."""


def retry_delay(failures: int, interval: float) -> float:
    """After the n-th failed cycle in a row: 5 s, 10 s, 20 s … never longer than the interval."""
    return min(interval, FIRST_BACKOFF * 2.0 ** (failures - 1))


def stop_on_signals() -> threading.Event:
    """An event that SIGINT and SIGTERM set (the main thread's handlers are replaced)."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("stopping", signal=signal.Signals(signum).name)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_stop)
    return stop


def run_forever(
    config: Config,
    cycle: Callable[[], Report],
    stop: threading.Event,
    clock: Callable[[], float] = time.monotonic,
    wait: Callable[[float], object] | None = None,
) -> int:
    """Cycles until ``stop`` is set. ``wait(seconds)`` returns early when it is (default:
    ``stop.wait``). A configuration that cannot work on the first cycle raises
    Misconfigured: the worker does not start."""
    pause = stop.wait if wait is None else wait
    interval = config.worker.interval_seconds
    failures = 0
    first = True
    log.info("worker started", interval=interval, backend=config.backend)
    while not stop.is_set():
        started = clock()
        try:
            report = cycle()
        except Misconfigured:
            if first:
                raise
            failures = _failed(config, failures + 1)
        except BackendError:
            failures = _failed(config, failures + 1)
        except Exception:  # a bug must not stop the office's worker
            failures = _failed(config, failures + 1, crashed=True)
        else:
            failures = 0
            log.info("cycle done", **summary(report))
        finally:
            # A cycle runs with the cyclic collector paused, and a workbook is full of
            # reference cycles: free the last one now, not after the next is loaded.
            gc.collect()
        first = False
        # From the start of a good cycle (a steady pace), from the end of a failed one
        # (the log's retry_in).
        next_at = clock() + retry_delay(failures, interval) if failures else started + interval
        if not stop.is_set() and next_at > clock():
            pause(next_at - clock())
    log.info("worker stopped")
    return 0


def _failed(config: Config, failures: int, crashed: bool = False) -> int:
    """Log the cycle that just failed (the exception being handled); returns ``failures``."""
    fields: dict[str, object] = {
        "failures": failures,
        "retry_in": retry_delay(failures, config.worker.interval_seconds),
    }
    if crashed:
        logs.crashed(log, "cycle crashed", **fields)
        return failures
    reason = str(sys.exc_info()[1])
    if failures >= config.worker.failures_before_error:
        log.error("cycle failed", reason=reason, **fields)
    else:
        log.warning("cycle failed", reason=reason, **fields)
    return failures


def summary(report: Report) -> dict[str, object]:
    """What a completed cycle found: rows per status, late and invalid documents."""
    fields: dict[str, object] = {
        "target": report.target,
        "rows": report.rows,
        "counts": {str(status): n for status, n in sorted(report.counts.items())},
        "written": report.written,
    }
    for name, status in (("late", c.Status.TERLAMBAT), ("invalid", c.Status.TIDAK_VALID)):
        found = [a for a in report.attention if a.status is status]
        if found:
            fields[name] = [_name(a) for a in found[:SHOWN_IDS]]
        if len(found) > SHOWN_IDS:
            fields[f"{name}_total"] = len(found)
    return fields


def _name(row: Attention) -> str:
    """A document by its ID; a row without one (never started) by its row number."""
    return row.id or f"row {row.row}"
