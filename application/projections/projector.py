"""Follow the store's log and keep a read model current, exactly once.

The library's SQLite recorder has no subscription, so the log is read, in order, from
the read model's own tracking position: after each save in-process, and on a short
poll. Each batch's rows and its new position are written by the target in one
transaction, so a crash at any point neither skips nor repeats an event.

Rows are functions of a journey's state, so a batch loads each journey it touches
once, at the last version the batch contains.

One journey whose rows cannot be made or written (a damaged journey, a value the
database refuses) must not stop every clinic's read model: it is skipped and recorded
as a ``ProjectionFailure`` (a dead letter), in the same transaction as the batch. Store
trouble (a dropped connection) is not a journey's fault: the batch fails and is retried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from eventsourcing.persistence import ConnectionPoolClosedError, PersistenceError

from application.journeys import Journeys
from domain.journey import Journey

BATCH_SIZE = 500
STORE_TROUBLE = (PersistenceError, ConnectionPoolClosedError)
"""Errors of the store itself, not of one journey: retried, never dead-lettered."""

log = logging.getLogger("kap.projections")


class ReadModelSupersededError(Exception):
    """A newer table shape of the read model is in use: this (older) code leaves it be."""


@dataclass(frozen=True)
class ProjectionFailure:
    """A journey a read model skipped: what an operator may see, and nothing more (no
    patient data, no error message that could echo a stored value)."""

    journey_id: UUID
    version: int
    """The journey's version whose rows could not be made or written."""
    position: int
    """The log position the read model moved to without that journey's rows."""
    error_class: str


@dataclass(frozen=True)
class ReadModelPosition:
    """How far one generation of a read model has followed the log."""

    generation: int
    position: int


class ProjectionTarget(Protocol):
    """A read model's storage: where it stands, and an atomic batch write."""

    name: str

    def current_position(self) -> ReadModelPosition: ...

    def apply(
        self,
        journeys: Sequence[Journey],
        since: ReadModelPosition,
        position: int,
        failures: Sequence[ProjectionFailure] = (),
        loaded_upto: int | None = None,
    ) -> bool:
        """Replace these journeys' rows and move to ``position``, in one transaction,
        only if the read model still stands at ``since`` (else change nothing: another
        projector, or a rebuild's swap, got there first). A journey whose rows cannot be
        written is skipped and recorded with ``failures`` (those already failed to load);
        a journey written fine clears its earlier failure. ``loaded_upto``: the log
        position the journeys were loaded at (default ``position``; a rebuild moves its
        position only at the end)."""


class Projector:
    def __init__(
        self, journeys: Journeys, target: ProjectionTarget, batch_size: int = BATCH_SIZE
    ) -> None:
        self.journeys = journeys
        self.target = target
        self.batch_size = batch_size

    def store_position(self) -> int:
        return self.journeys.log_position()

    def position(self) -> int:
        try:
            return self.target.current_position().position
        except ReadModelSupersededError:
            return self.store_position()  # nothing for this code to do

    def process_batch(self, stop: int | None = None) -> int:
        """Project the next batch after the tracking position; the number of events."""
        try:
            since = self.target.current_position()
        except ReadModelSupersededError:
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
        position = notifications[-1].id
        loaded, failures = self.load(list(last_versions.items()), position)
        if not self.target.apply(loaded, since, position, failures):
            return 0
        return len(notifications)

    def load(
        self, versions: Sequence[tuple[UUID, int]], position: int
    ) -> tuple[list[Journey], list[ProjectionFailure]]:
        """Each journey at its version; one that no longer loads is a failure, not a stop."""
        loaded: list[Journey] = []
        failures: list[ProjectionFailure] = []
        for journey_id, version in versions:
            try:
                loaded.append(self.journeys.repository.get(journey_id, version=version))
            except STORE_TROUBLE:
                raise
            except Exception as error:  # a journey whose stored events no longer fold
                failures.append(
                    ProjectionFailure(journey_id, version, position, type(error).__name__)
                )
        return loaded, failures

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
        since = self.target.current_position()
        if since.position != 0:
            raise ValueError("rebuild needs an empty generation")
        latest = self.journeys.journey_log.latest_versions(end)
        for start in range(0, len(latest), self.batch_size):
            chunk = latest[start : start + self.batch_size]
            loaded, failures = self.load(chunk, end)
            if not self.target.apply(loaded, since, since.position, failures, loaded_upto=end):
                raise RuntimeError("another writer changed a generation being rebuilt")
            if progress is not None:
                progress(start + len(chunk), len(latest))
        if not self.target.apply([], since, end):
            raise RuntimeError("another writer changed a generation being rebuilt")
        return len(latest)
