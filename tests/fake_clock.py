"""A monotonic clock for tests: time passes only when the code under test pauses."""

from __future__ import annotations


class FakeClock:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.pauses: list[float] = []
        """Every sleep or wait, in seconds, in order."""

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def wait(self, seconds: float) -> bool:
        """As ``threading.Event.wait`` on an event nobody sets: False after the time."""
        self.sleep(seconds)
        return False
