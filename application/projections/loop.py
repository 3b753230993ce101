"""Keep projectors running in a process: woken by each save, polling as a fallback,
retrying with backoff while the database is away."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from application.projections.projector import Projector

RETRY_CAP_SECONDS = 5.0
"""The longest a failing projection round waits before it tries again."""

GATHER_SECONDS = 0.05
"""How long a round waits, once there is something to project, for the saves arriving
with it: under load one round (one read of the log, one read-model transaction) takes
them all instead of one each; a read model trails its log by this much more."""

log = logging.getLogger("kap.projections")


class ProjectorLoop:
    """Runs projectors until stopped: woken by saves in this process, else polling."""

    def __init__(
        self,
        projectors: Sequence[Projector],
        poll_seconds: float = 0.5,
        when_caught_up: Callable[[], None] | None = None,
        gather_seconds: float = GATHER_SECONDS,
    ) -> None:
        self.projectors = list(projectors)
        self.poll_seconds = poll_seconds
        self.gather_seconds = gather_seconds
        self.when_caught_up = when_caught_up
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.errors = 0
        self.failing_rounds = 0
        """Rounds failed in a row (0: the last round went through)."""

    @property
    def failing(self) -> bool:
        return self.failing_rounds > 0

    def retry_delay(self) -> float:
        """Doubling from the poll interval, capped: a database that is down for long is
        not hammered, and one that comes back is used again within seconds."""
        return float(min(self.poll_seconds * 2 ** min(self.failing_rounds, 10), RETRY_CAP_SECONDS))

    def run(self) -> None:
        while not self.stopping.is_set():
            self.wake.clear()
            try:
                projected = [p.catch_up() for p in self.projectors]  # every one, each time
                busy = any(projected)
                if not busy and self.when_caught_up is not None:
                    self.when_caught_up()
            except Exception as error:  # a dropped connection must not end the loop
                self.errors += 1
                delay = self.retry_delay()
                self.failing_rounds += 1
                log.warning(
                    "projection round failed (%s); retrying in %.1f s",
                    type(error).__name__,
                    delay,
                )
                self.stopping.wait(delay)
                continue
            self.failing_rounds = 0
            if not busy:
                self.wake.wait(self.poll_seconds)
            self.stopping.wait(self.gather_seconds)

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
