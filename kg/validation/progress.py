"""What validation says while it runs: progress lines and timings.

Progress goes to a callable the CLI points at stderr (``validate: …`` lines); timings per
step end up in :attr:`kg.validation.report.Report.timings`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Receives one line of progress at a time.
Progress = Callable[[str], None]


def silent(_line: str) -> None:
    """A :data:`Progress` that says nothing."""


class Laps:
    """Seconds per named step, measured from one lap to the next.

    >>> laps = Laps()
    >>> laps.lap("setup"); laps.lap("shapes"); laps.lap("setup")
    >>> sorted(laps.timings)
    ['setup', 'shapes']
    """

    def __init__(self) -> None:
        """Start the clock now."""
        self.start = time.perf_counter()
        self.timings: dict[str, float] = {}
        self._last = self.start

    def lap(self, step: str) -> None:
        """Add the time since the last lap to ``step``."""
        now = time.perf_counter()
        self.timings[step] = self.timings.get(step, 0.0) + now - self._last
        self._last = now

    def elapsed(self) -> float:
        """Seconds since the clock started."""
        return time.perf_counter() - self.start
