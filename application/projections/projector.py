"""Follow the store's log and keep a read model current, exactly once.

The library's SQLite recorder has no subscription, so the log is read, in order, from
the read model's own tracking position: after each save in-process, and on a short
poll. Each batch's rows and its new position are written by the target in one
transaction, so a crash at any point neither skips nor repeats an event.

Rows are functions of a journey's state, so a batch loads each journey it touches
once, at the last version the batch contains.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from application.journeys import Journeys
from application.positions import latest_versions
from domain.journey import Journey

BATCH_SIZE = 500

log = logging.getLogger("kap.projections")


class ReadModelSuperseded(Exception):  # noqa: N818
    """A newer table shape of the read model is in use: this (older) code leaves it be."""


@dataclass(frozen=True)
class Checkpoint:
    """How far one generation of a read model has followed the log."""

    generation: int
    position: int


class ProjectionTarget(Protocol):
    """A read model's storage: where it stands, and an atomic batch write."""

    name: str

    def checkpoint(self) -> Checkpoint: ...

    def apply(self, journeys: Sequence[Journey], since: Checkpoint, position: int) -> bool:
        """Replace these journeys' rows and move to ``position``, in one transaction,
        only if the read model still stands at ``since`` (else change nothing: another
        projector, or a rebuild's swap, got there first)."""


class Projector:
    def __init__(
        self, journeys: Journeys, target: ProjectionTarget, batch_size: int = BATCH_SIZE
    ) -> None:
        self.journeys = journeys
        self.target = target
        self.batch_size = batch_size

    def store_position(self) -> int:
        return self.journeys.recorder.max_notification_id() or 0

    def position(self) -> int:
        try:
            return self.target.checkpoint().position
        except ReadModelSuperseded:
            return self.store_position()  # nothing for this code to do

    def process_batch(self, stop: int | None = None) -> int:
        """Project the next batch after the tracking position; the number of events."""
        try:
            since = self.target.checkpoint()
        except ReadModelSuperseded:
            return 0
        notifications = self.journeys.recorder.select_notifications(
            since.position + 1, self.batch_size, stop=stop
        )
        if not notifications:
            return 0
        last_versions: dict[UUID, int] = {}
        for notification in notifications:
            originator = UUID(str(notification.originator_id))
            last_versions[originator] = notification.originator_version
        loaded: list[Journey] = [
            self.journeys.repository.get(journey_id, version=version)
            for journey_id, version in last_versions.items()
        ]
        if not self.target.apply(loaded, since, notifications[-1].id):
            return 0
        return len(notifications)

    def catch_up(self, stop: int | None = None) -> int:
        """Project everything up to ``stop`` (default: the end of the log now)."""
        stop = self.store_position() if stop is None else stop
        done = 0
        while self.position() < stop:
            processed = self.process_batch(stop)
            if not processed:
                break
            done += processed
        return done

    def rebuild(
        self, end: int | None = None, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Fill an empty generation up to ``end``: each journey loaded once, at its last
        version there, in chunks; the position moves to ``end`` only with the last write,
        so an interrupted rebuild is never mistaken for a finished one."""
        end = self.store_position() if end is None else end
        since = self.target.checkpoint()
        if since.position != 0:
            raise ValueError("rebuild needs an empty generation")
        latest = latest_versions(self.journeys.recorder, end)
        for start in range(0, len(latest), self.batch_size):
            chunk = latest[start : start + self.batch_size]
            loaded: list[Journey] = [
                self.journeys.repository.get(jid, version=v) for jid, v in chunk
            ]
            if not self.target.apply(loaded, since, since.position):
                raise RuntimeError("another writer changed a generation being rebuilt")
            if progress is not None:
                progress(start + len(chunk), len(latest))
        if not self.target.apply([], since, end):
            raise RuntimeError("another writer changed a generation being rebuilt")
        return len(latest)


class ProjectorLoop:
    """Runs projectors until stopped: woken by saves in this process, else polling."""

    def __init__(
        self,
        projectors: Sequence[Projector],
        poll_seconds: float = 0.5,
        when_caught_up: Callable[[], None] | None = None,
    ) -> None:
        self.projectors = list(projectors)
        self.poll_seconds = poll_seconds
        self.when_caught_up = when_caught_up
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.errors = 0

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
                log.warning("projection round failed (%s); retrying", type(error).__name__)
                busy = False
                self.stopping.wait(self.poll_seconds)
            if not busy:
                self.wake.wait(self.poll_seconds)

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
