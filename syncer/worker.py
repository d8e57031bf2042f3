"""`sopsync run`: repeat the cycle on a schedule until stopped.

A failed cycle is retried sooner, with exponential backoff capped at the
interval; SIGINT and SIGTERM stop the loop between cycles.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Callable

import schedule
import structlog

from syncer.backends import BackendError
from syncer.config import Config

log = structlog.get_logger("sopsync.worker")

FIRST_BACKOFF = 5.0


def retry_delay(failures: int, interval: float) -> float:
    """After the n-th failed cycle in a row: 5 s, 10 s, 20 s … never longer than the interval."""
    return min(interval, FIRST_BACKOFF * 2 ** (failures - 1))


def run_forever(config: Config, cycle: Callable[[], object]) -> int:
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("stopping", signal=signal.Signals(signum).name)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_stop)

    interval = config.worker.interval_seconds
    scheduler = schedule.Scheduler()
    failures = 0

    def attempt() -> object:
        nonlocal failures
        try:
            cycle()
            failures = 0
        except BackendError as exc:
            failures += 1
            delay = retry_delay(failures, interval)
            log.warning("cycle failed", reason=str(exc), failures=failures, retry_in=delay)
            scheduler.every(delay).seconds.do(retry).tag("retry")
        except Exception:  # a bug must not stop the office's worker; it is logged in full
            failures += 1
            log.exception("cycle crashed")
        finally:
            # A cycle runs with the cyclic collector paused, and a workbook is full of
            # reference cycles: free the last one now, not after the next is loaded.
            gc.collect()
        return None

    def retry() -> schedule.CancelJob:
        scheduler.clear("retry")
        attempt()
        return schedule.CancelJob

    log.info("worker started", interval=interval, backend=config.backend)
    attempt()
    scheduler.every(interval).seconds.do(attempt)
    while not stop.is_set():
        scheduler.run_pending()
        idle = scheduler.idle_seconds
        stop.wait(timeout=max(0.05, min(idle if idle is not None else 1.0, 1.0)))
    log.info("worker stopped")
    return 0
