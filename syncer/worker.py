"""`sopsync run`: serve every sheet of the configuration, each on its own pace, until stopped.

One loop, one sheet at a time: it serves the sheet whose turn is oldest, then the next.
Each sheet has one timer: its next cycle starts an interval after its last one started
or, after a failed cycle, sooner (5 s, 10 s, 20 s … never longer than its interval): a
retry and the regular cycle never both run. When cycles fall behind (the quota makes
them wait), the sheet that has waited longest goes first, so sheets are served in turn
and none waits more than its interval plus its share of the quota. A failure is a
warning, and an error once ``[worker] failures_before_error`` cycles of that sheet in a
row have failed; it touches only that sheet's timer. Each completed cycle is logged with
its counts and the IDs of late and invalid documents.

Time is read from a monotonic clock and waited out on the stop event, both passed in,
so that tests drive the loop with a fake clock; SIGINT and SIGTERM set the event, and
the loop stops between cycles. The ``schedule`` library is not used: it reads the
wall clock itself and cannot be driven by a fake one.
"""

from __future__ import annotations

import gc
import select
import signal
import socket
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext, suppress
from dataclasses import dataclass
from typing import Protocol

import structlog

from sop_models import CatalogError
from syncer import logs
from syncer.backends import BackendError, Misconfigured
from syncer.calendar import NoWorkingTime
from syncer.config import Config, ConfigError
from syncer.cycle import Report
from syncer.summary import report_fields

log = structlog.get_logger("sopsync.worker")

FIRST_BACKOFF = 5.0
UNUSABLE = (Misconfigured, ConfigError, CatalogError, NoWorkingTime)
"""A sheet's settings cannot work (a missing key file, an invalid SOP folder, a calendar
without working time): the admin's to fix. While no sheet has ever worked for that reason,
the worker does not start."""


@dataclass(frozen=True)
class Job:
    """One sheet the loop serves: its name (for the log), its cycle and its pace."""

    cycle: Callable[[], Report]
    interval: float
    failures_before_error: int = 3
    name: str = ""

    @classmethod
    def of(cls, config: Config, cycle: Callable[[], Report], name: str = "") -> Job:
        worker = config.worker
        return cls(cycle, worker.interval_seconds, worker.failures_before_error, name)


@dataclass
class _Turn:
    """Where a job stands: when its next cycle is due, its failures in a row."""

    job: Job
    due: float = 0.0
    failures: int = 0
    first: bool = True
    """Its first cycle is still to come."""


def retry_delay(failures: int, interval: float) -> float:
    """After the n-th failed cycle in a row: 5 s, 10 s, 20 s … never longer than the interval."""
    return min(interval, FIRST_BACKOFF * 2.0 ** (failures - 1))


class Stop:
    """What SIGINT and SIGTERM set: a flag, and a byte on a socket that ``wait`` watches.

    A signal handler runs between two bytecodes of the main thread, maybe inside a print
    or inside ``threading.Event``'s own lock: it takes no lock and logs nothing (taking a
    lock the interrupted code holds would hang the worker for good)."""

    def __init__(self) -> None:
        self._read, self._write = socket.socketpair()  # select() takes sockets everywhere
        self._write.setblocking(False)
        self.signal = ""

    def set(self, signal_name: str = "") -> None:
        self.signal = self.signal or signal_name or "stop"
        with suppress(BlockingIOError):  # a byte is there already
            self._write.send(b"!")

    def is_set(self) -> bool:
        return bool(self.signal)

    def wait(self, timeout: float | None = None) -> bool:
        if not self.signal:
            select.select([self._read], [], [], timeout)
        return self.is_set()


class Stopper(Protocol):
    """What ends ``run_forever``: a ``Stop``, or a ``threading.Event`` (tests)."""

    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = None) -> bool: ...


def stop_on_signals() -> Stop:
    """A ``Stop`` that SIGINT and SIGTERM set (the main thread's handlers are replaced)."""
    stop = Stop()

    def request_stop(signum: int, _frame: object) -> None:
        stop.set(signal.Signals(signum).name)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_stop)
    return stop


def run_forever(
    jobs: Sequence[Job],
    stop: Stopper,
    clock: Callable[[], float] = time.monotonic,
    wait: Callable[[float], object] | None = None,
) -> int:
    """Cycles until ``stop`` is set. ``wait(seconds)`` returns early when it is (default:
    ``stop.wait``). When the settings of every sheet proved unusable (``UNUSABLE``) at its
    first cycle, and none has completed a cycle since, that error is raised: the worker
    does not start. Later, or while another sheet works, it is one more failed cycle."""
    pause = stop.wait if wait is None else wait
    turns = [_Turn(job) for job in jobs]
    unusable: set[int] = set()
    """Turns whose settings proved unusable, with no cycle completed since."""
    intervals = sorted({job.interval for job in jobs})
    log.info("worker started", sheets=len(jobs), interval=_one_or_all(intervals))
    while not stop.is_set():
        turn = min(turns, key=lambda t: t.due)  # the oldest turn; on a tie, the file's order
        if turn.due > clock():
            pause(turn.due - clock())
            continue
        started = clock()
        _serve(turn, unusable, id(turn), len(turns))
        # A cycle runs with the cyclic collector paused, and a workbook is full of
        # reference cycles: free the last one now, not after the next is loaded. All it
        # made is young: collecting the youngest generation frees it, without walking
        # every object the process keeps (a full collection would, once per sheet).
        gc.collect(0)
        # From the start of a good cycle (a steady pace), from the end of a failed one
        # (the log's retry_in).
        interval = turn.job.interval
        turn.due = (
            clock() + retry_delay(turn.failures, interval)
            if turn.failures
            else (started + interval)
        )
    log.info("worker stopped", **({"signal": stop.signal} if isinstance(stop, Stop) else {}))
    return 0


def _serve(turn: _Turn, unusable: set[int], key: int, count: int) -> None:
    """One cycle of a turn's sheet; its outcome logged and counted on the turn."""
    job = turn.job
    named = structlog.contextvars.bound_contextvars(sheet=job.name) if job.name else nullcontext()
    with named:
        try:
            report = job.cycle()
        except UNUSABLE as exc:
            if turn.first:
                unusable.add(key)
                if len(unusable) == count and count > 1:
                    # the others were logged: the one said last names its sheet
                    raise ConfigError(f'sheet "{job.name}": {exc}') from exc
                if len(unusable) == count:
                    raise
            turn.failures = _failed(job, turn.failures + 1)
        except BackendError:
            turn.failures = _failed(job, turn.failures + 1)
        except Exception:  # a bug must not stop the office's worker
            turn.failures = _failed(job, turn.failures + 1, crashed=True)
        else:
            turn.failures = 0
            unusable.discard(key)
            log.info("cycle done", **report_fields(report))
        finally:
            turn.first = False


def _one_or_all(values: list[float]) -> float | list[float]:
    return values[0] if len(values) == 1 else values


def _failed(job: Job, failures: int, crashed: bool = False) -> int:
    """Log the cycle that just failed (the exception being handled); returns ``failures``."""
    fields: dict[str, object] = {
        "failures": failures,
        "retry_in": retry_delay(failures, job.interval),
    }
    if crashed:
        logs.crashed(log, "cycle crashed", **fields)
        return failures
    reason = str(sys.exc_info()[1])
    if failures >= job.failures_before_error:
        log.error("cycle failed", reason=reason, **fields)
    else:
        log.warning("cycle failed", reason=reason, **fields)
    return failures
