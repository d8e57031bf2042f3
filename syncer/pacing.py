"""Stay inside Google's quota: at most 60 API requests in any 60 seconds, per process.

Google allows 60 read and 60 write requests per minute per user. Retries
under faults, a short interval or a large split write could exceed that;
the pacer makes the worker wait instead of drawing 429s. It counts reads and
writes together, so it is conservative.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class Pacer:
    def __init__(
        self,
        limit: int = 60,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until one more request fits in the window, then count it; the seconds waited."""
        waited = 0.0
        with self._lock:
            now = self.clock()
            self._expire(now)
            if len(self._sent) >= self.limit:
                waited = self.window - (now - self._sent[0])
                self.sleep(waited)
                now = self.clock()
                self._expire(now)
            self._sent.append(now)
        return waited

    def _expire(self, now: float) -> None:
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()


_PACERS: dict[int, Pacer] = {}


def pacer_for(per_minute: int) -> Pacer:
    """The process's pacer for a rate: `run` makes a backend per cycle, the quota is per user."""
    if per_minute not in _PACERS:
        _PACERS[per_minute] = Pacer(limit=per_minute)
    return _PACERS[per_minute]
