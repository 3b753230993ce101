"""When a failed webhook delivery is tried again: exponential backoff within a window.

Standard Webhooks leaves the schedule to the sender; here each wait doubles from
``first_seconds`` up to ``cap_seconds``, and a delivery not accepted within
``window_seconds`` of its first attempt's due time (24 h by default) is marked failed.
Only the times are configurable (tests make them short), not the shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    first_seconds: float = 5.0
    cap_seconds: float = 3600.0
    window_seconds: float = 24 * 3600.0

    def delay(self, failed_attempts: int) -> timedelta:
        """The wait after the ``failed_attempts``-th failure (1: the first)."""
        exponent = min(max(failed_attempts - 1, 0), 40)
        return timedelta(seconds=min(self.first_seconds * 2**exponent, self.cap_seconds))

    def next_attempt(
        self, created_at: datetime, failed_attempts: int, now: datetime
    ) -> datetime | None:
        """When to try again after a failure at ``now``; None once past the window."""
        at = now + self.delay(failed_attempts)
        if at > created_at + timedelta(seconds=self.window_seconds):
            return None
        return at
