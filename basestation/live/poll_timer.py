"""How long the open poll has run, and its countdown, which the instructor may stretch."""

from __future__ import annotations

from collections.abc import Callable

WARNING_S = 10.0
"""The countdown warns when this much is left."""
MIN_LEFT_S = 1.0
"""Taking time off never closes the poll at once: it leaves at least this much."""


class PollTimer:
    """``clock`` is monotonic (injectable for reproducible screens); ``countdown_s`` is
    every poll's length, None for polls closed by hand."""

    def __init__(self, clock: Callable[[], float], countdown_s: float | None) -> None:
        self.clock = clock
        self.countdown_s = countdown_s
        self._opened_at: float | None = None
        self._closed_elapsed = 0.0
        self._limit_s: float | None = None
        self.warned = False

    @property
    def running(self) -> bool:
        return self._opened_at is not None

    def start(self) -> None:
        self._opened_at = self.clock()
        self._limit_s = self.countdown_s
        self.warned = self._limit_s is not None and self._limit_s <= WARNING_S  # no warning

    def stop(self) -> None:
        self._closed_elapsed = self.elapsed()
        self._opened_at = None
        self._limit_s = None

    def reset(self) -> None:
        """A new question: nothing has run yet."""
        self._closed_elapsed = 0.0

    def elapsed(self) -> float:
        if self._opened_at is None:
            return self._closed_elapsed
        return max(0.0, self.clock() - self._opened_at)

    def remaining(self) -> float | None:
        if self._opened_at is None or self._limit_s is None:
            return None
        return max(0.0, self._limit_s - self.elapsed())

    def expired(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def adjust(self, delta_s: float) -> float:
        """Add (or take off) time; a poll without a countdown gets one. The new time left."""
        if self._opened_at is None:
            raise ValueError("no poll is open")
        elapsed = self.elapsed()
        remaining = self._limit_s - elapsed if self._limit_s is not None else 0.0
        remaining = max(MIN_LEFT_S, remaining + delta_s)
        self._limit_s = elapsed + remaining
        if remaining > WARNING_S:
            self.warned = False
        return remaining

    def take_warning(self) -> bool:
        """True once per countdown, when it first has :data:`WARNING_S` or less left."""
        remaining = self.remaining()
        if remaining is None or self.warned or remaining > WARNING_S:
            return False
        self.warned = True
        return True
