"""Follow the store's log and keep a read model current, exactly once.

The library's SQLite recorder has no subscription, so the log is read, in order, from
the read model's own tracking position: after each save in-process, and on a short
poll. Each batch (up to ``BATCH_SIZE`` events) is one read-model transaction: its rows
and its new position are written by the target together, so a crash at any point
neither skips nor repeats an event.

Rows are functions of a journey's state. A batch decodes its own events (it has read
them already) and folds them onto the journeys it followed last (``FollowedJourneys``,
a bounded cache of their states); any other journey it touches is loaded once, at the
last version the batch contains, with the rest of the batch's misses in one go
(``application.projections.loading``). A rebuild loads each journey once, at its last
version, a page of journeys at a time, so its memory does not grow with the store.

One journey whose rows cannot be made or written (a damaged journey, a value the
database refuses) must not stop every clinic's read model: it is skipped and recorded
as a ``ProjectionFailure`` (a dead letter), in the same transaction as the batch. Store
trouble (a dropped connection) is not a journey's fault: the batch fails and is retried.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from application.journey_log import each_latest_version
from application.journeys import Journeys
from application.projections.loading import (
    STORE_TROUBLE,
    JourneyLoader,
    JourneyRecords,
    RecordsOneByOne,
    fold,
)
from domain.journey import Journey

BATCH_SIZE = 2000
"""Events per read-model transaction when behind: a journey touched several times in a
batch gets its rows made and written once (following live, a batch is what arrived)."""
FOLLOWED_JOURNEYS = 2000
"""Journey states a live projector keeps between batches (the ones it touched last)."""

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


class FollowedJourneys:
    """The states of the journeys a live projector touched last, at their versions: the
    next batch folds its own events onto them instead of loading them again. Bounded
    (least recently touched out first), so its memory does not grow with the store."""

    def __init__(self, size: int = FOLLOWED_JOURNEYS) -> None:
        self.size = size
        self.states: OrderedDict[UUID, Journey] = OrderedDict()

    def take(self, journey_id: UUID) -> Journey | None:
        return self.states.pop(journey_id, None)

    def keep(self, journeys: Sequence[Journey]) -> None:
        for journey in journeys:
            self.states[journey.id] = journey
            self.states.move_to_end(journey.id)
        while len(self.states) > self.size:
            self.states.popitem(last=False)

    def clear(self) -> None:
        self.states.clear()


class Projector:
    def __init__(
        self,
        journeys: Journeys,
        target: ProjectionTarget,
        batch_size: int = BATCH_SIZE,
        records: JourneyRecords | None = None,
        followed: int = FOLLOWED_JOURNEYS,
    ) -> None:
        self.journeys = journeys
        self.target = target
        self.batch_size = batch_size
        self.loader = JourneyLoader(journeys, records or RecordsOneByOne(journeys))
        self.followed = FollowedJourneys(followed)

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
        return len(self._next_batch(since, stop)[1])

    def _next_batch(
        self, since: ReadModelPosition, stop: int | None
    ) -> tuple[ReadModelPosition | None, Sequence[Any]]:
        """Project the batch after ``since``: the position it moved to (None: nothing
        moved, another projector got there first or there was nothing) and its events."""
        notifications = self.next_notifications(since.position, stop)
        if not notifications:
            return None, ()
        position = notifications[-1].id
        try:
            loaded, failures = self.follow(notifications, position)
            applied = self.target.apply(loaded, since, position, failures)
        except BaseException:
            self.followed.clear()  # the batch is read again; start it from the store
            raise
        if not applied:
            self.followed.clear()  # another projector got there first
            return None, ()
        self.followed.keep(loaded)
        return ReadModelPosition(since.generation, position), notifications

    def next_notifications(self, after: int, stop: int | None) -> Sequence[Any]:
        """The next batch of the log after ``after``, asked for within a window of
        positions about a batch long: with the window open to the end of the log, an
        events table without statistics was sorted whole for every batch. A window with
        nothing in it (ids skipped by saves rolled back) is widened until the end."""
        end = self.store_position() if stop is None else stop
        window = self.batch_size
        while True:
            upto = min(end, after + window)
            found = self.journeys.recorder.select_notifications(
                after + 1, self.batch_size, stop=upto
            )
            if found or upto >= end:
                return found
            window *= 8

    def follow(
        self, notifications: Sequence[Any], position: int
    ) -> tuple[list[Journey], list[ProjectionFailure]]:
        """Each journey of the batch at its last version in it: folded on from the state
        kept since the last batch when that state is the version just before the batch's
        first event of it, else loaded (all such journeys of the batch together)."""
        news: dict[UUID, list[Any]] = {}
        for notification in notifications:
            news.setdefault(UUID(str(notification.originator_id)), []).append(notification)
        mapper = self.journeys.events.mapper
        folded: dict[UUID, Journey] = {}
        missing: list[tuple[UUID, int]] = []
        for journey_id, records in news.items():
            kept = self.followed.take(journey_id)
            if kept is not None and kept.version + 1 == records[0].originator_version:
                try:
                    folded[journey_id] = fold(kept, (mapper.to_domain_event(r) for r in records))
                    continue
                except STORE_TROUBLE:
                    raise
                except Exception:  # loaded from the store below: it says what is wrong
                    log.debug("journey %s loaded again: its batch did not fold", journey_id)
            missing.append((journey_id, records[-1].originator_version))
        loaded, failures = self.load(missing, position)
        folded.update((journey.id, journey) for journey in loaded)
        return [folded[j] for j in news if j in folded], failures

    def load(
        self, versions: Sequence[tuple[UUID, int]], position: int
    ) -> tuple[list[Journey], list[ProjectionFailure]]:
        """Each journey at its version; one that no longer loads is a failure, not a stop."""
        if not versions:
            return [], []
        loaded, failed = self.loader.load(versions)
        failures = [
            ProjectionFailure(journey_id, version, position, failed[journey_id])
            for journey_id, version in versions
            if journey_id in failed
        ]
        return [loaded[j] for j, _ in versions if j in loaded], failures

    def catch_up(self, stop: int | None = None) -> int:
        """Project everything up to ``stop`` (default: the end of the log now). The
        registry is read once: each batch's compare-and-set on the position is what
        keeps concurrent projectors apart, so the position a batch moved to is where
        the next one starts (a batch that finds it moved stops the round)."""
        stop = self.store_position() if stop is None else stop
        try:
            since: ReadModelPosition | None = self.target.current_position()
        except ReadModelSupersededError:
            return 0
        done = 0
        while since is not None and since.position < stop:
            since, processed = self._next_batch(since, stop)
            done += len(processed)
        return done

    def rebuild(
        self, end: int | None = None, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Fill an empty generation up to ``end``: each journey loaded once, at its last
        version there, a page of journeys at a time (``batch_size``), each page loaded in
        bulk and written in one transaction; the position moves to ``end`` only with the
        last write, so an interrupted rebuild is never mistaken for a finished one."""
        end = self.store_position() if end is None else end
        since = self.target.current_position()
        if since.position != 0:
            raise ValueError("rebuild needs an empty generation")
        log = self.journeys.journey_log
        total = log.journey_count(end) if progress is not None else 0
        done = 0
        for page in each_latest_version(log, end, self.batch_size):
            loaded, failures = self.load(page, end)
            if not self.target.apply(loaded, since, since.position, failures, loaded_upto=end):
                raise RuntimeError("another writer changed a generation being rebuilt")
            done += len(page)
            if progress is not None:
                progress(done, max(total, done))
        if not self.target.apply([], since, end):
            raise RuntimeError("another writer changed a generation being rebuilt")
        return done
