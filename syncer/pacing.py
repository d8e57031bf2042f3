"""Stay inside Google's per-minute quotas: one pacer per service account, shared by its sheets.

Google counts read requests and write requests apart, each in a sliding minute: 60 of
each per user (a service account) and 300 of each per project, across all the service
accounts of that project. Every sheet a process reaches with one service account draws
on the same pacer, and the pacers of one project on the same project windows, so
thirty sheets cannot together ask more than the quota allows: a request that would
exceed it waits until the oldest request leaves the minute, instead of drawing a 429.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from enum import StrEnum

WINDOW = 60.0
PER_USER = 60
PER_PROJECT = 300


class Kind(StrEnum):
    """What Google counts a request as: ``spreadsheets.get`` and ``values.batchGet`` are
    reads, ``batchUpdate`` a write."""

    READ = "read"
    WRITE = "write"


class Window:
    """At most ``limit`` requests in any ``span`` seconds."""

    def __init__(self, limit: int, span: float = WINDOW):
        self.limit = limit
        self.span = span
        self._sent: deque[float] = deque()

    def opens_at(self, now: float) -> float:
        """The first moment from ``now`` at which one more request fits."""
        while self._sent and now - self._sent[0] >= self.span:
            self._sent.popleft()
        if len(self._sent) < self.limit:
            return now
        return self._sent[-self.limit] + self.span

    def count(self, now: float) -> None:
        self._sent.append(now)


class Pacer:
    """The requests of one service account: its own window per kind, and its project's.

    ``shared`` are windows other pacers count in too (the project's, per kind); they
    share ``lock`` with those pacers.
    """

    def __init__(
        self,
        limit: int = PER_USER,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        shared: dict[Kind, Window] | None = None,
        lock: threading.Lock | None = None,
    ):
        self.clock = clock
        self.sleep = sleep
        self.windows: dict[Kind, Sequence[Window]] = {
            kind: (Window(limit, window), *((shared[kind],) if shared else ())) for kind in Kind
        }
        self._lock = lock or threading.Lock()

    def wait(self, kind: Kind = Kind.READ) -> float:
        """Block until one more request of ``kind`` fits every window, then count it;
        returns the seconds waited."""
        windows = self.windows[kind]
        waited = 0.0
        with self._lock:
            now = self.clock()
            while (opens := max(w.opens_at(now) for w in windows)) > now:
                self.sleep(opens - now)
                waited += opens - now
                now = self.clock()
            for w in windows:
                w.count(now)
        return waited


class Quotas:
    """The pacers of one process: one per service account (and limits), with one set of
    windows per project shared by its accounts' pacers."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.clock = clock
        self.sleep = sleep
        self._pacers: dict[tuple[str, int, str, int], Pacer] = {}
        self._projects: dict[tuple[str, int], dict[Kind, Window]] = {}
        self._lock = threading.Lock()

    def pacer(
        self,
        account: str,
        project: str = "",
        per_user: int = PER_USER,
        per_project: int = PER_PROJECT,
    ) -> Pacer:
        """The pacer of ``account`` (a service account's e-mail); ``project`` "" when the
        key does not say which project it belongs to (then only the account is paced)."""
        key = (account, per_user, project, per_project)
        if key not in self._pacers:
            shared = None
            if project:
                shared = self._projects.setdefault(
                    (project, per_project), {kind: Window(per_project) for kind in Kind}
                )
            self._pacers[key] = Pacer(per_user, WINDOW, self.clock, self.sleep, shared, self._lock)
        return self._pacers[key]


QUOTAS = Quotas()
"""The process's pacers: every transport of a process draws on these, unless given its own."""
