"""Group commit: appends waiting at the same moment are written in one transaction.

Each append is decided alone, on its journey as stored, while it holds its journey's
lock (``serialised``): appends to one journey never overlap in this process, so each is
decided on the state its predecessor left. Its new entries then queue here. The first
writer to find no write in progress writes every queued append together (one
transaction: one table lock, one commit); appends that queue meanwhile go in the next
transaction, written by the first of them. Each writer gets back its own journey's
recordings, or its own error.

A transaction that fails fails whole (nothing of it is stored). When it failed on one
journey's version (another process wrote that journey first: an ``IntegrityError``),
each append is written again on its own, so only the conflicting one fails, and its
caller decides it again on the new state. Any other failure (the database is gone)
fails every append of that transaction, as it would have failed each alone; when the
database did not answer, the appends queued behind it meanwhile fail with it, unwritten,
instead of each waiting out the same deadline in turn (a request answers 503 within one
deadline, not two).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, Recording

UNANSWERED = (OperationalError, InterfaceError)
"""The store's errors for a database that did not answer (down, stalled, cut off)."""

MOST_TOGETHER = 256
"""Appends written in one transaction at most (the rest wait for the next)."""


@dataclass
class Pending:
    """One append's new entries, waiting to be written."""

    journey_id: UUID
    write: tuple[Any, ...]
    """What ``Application.save`` is given for it: the entries, then their journey."""
    recordings: list[Recording[UUID]] = field(default_factory=list)
    error: BaseException | None = None
    done: bool = False
    leads: bool = False
    woken: threading.Event = field(default_factory=threading.Event)


Save = Callable[..., list[Recording[UUID]]]


class GroupCommit:
    """Writes the appends of many threads together; see the module's docstring."""

    def __init__(self, save: Save) -> None:
        self._save = save
        self._lock = threading.Lock()
        self._queue: list[Pending] = []
        self._writing = False
        self._journeys: dict[UUID, tuple[threading.Lock, int]] = {}

    @contextmanager
    def serialised(self, journey_id: UUID) -> Iterator[None]:
        """Hold the journey's lock: one append to it at a time in this process."""
        with self._lock:
            lock, users = self._journeys.get(journey_id, (None, 0))
            lock = lock or threading.Lock()
            self._journeys[journey_id] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._lock:
                lock, users = self._journeys[journey_id]
                if users == 1:
                    del self._journeys[journey_id]
                else:
                    self._journeys[journey_id] = (lock, users - 1)

    def write(
        self, journey_id: UUID, entries: Sequence[Any], journey: Any
    ) -> list[Recording[UUID]]:
        """Write the journey's new entries (with others waiting now); its recordings."""
        pending = Pending(journey_id, (*entries, journey))
        with self._lock:
            self._queue.append(pending)
            if not self._writing:
                self._writing = pending.leads = True
        while True:
            if pending.leads:
                pending.leads = False
                self._write_queued()
            if pending.done:
                break
            pending.woken.wait()
            pending.woken.clear()
        if pending.error is not None:
            raise pending.error
        return pending.recordings

    def _write_queued(self) -> None:
        """Write what is queued now, then hand the writing on to the next waiter."""
        with self._lock:
            together, self._queue = self._queue[:MOST_TOGETHER], self._queue[MOST_TOGETHER:]
        unanswered: BaseException | None = None
        try:
            self._write_together(together)
            unanswered = next((p.error for p in together if isinstance(p.error, UNANSWERED)), None)
        finally:
            for pending in together:
                pending.done = True
                pending.woken.set()
            with self._lock:
                if unanswered is not None:
                    self._fail_queued(unanswered)
                if self._queue:
                    self._queue[0].leads = True
                    self._queue[0].woken.set()
                else:
                    self._writing = False

    def _fail_queued(self, error: BaseException) -> None:
        """Answer every queued append with ``error`` (under the lock): none was written."""
        for pending in self._queue:
            pending.error = error
            pending.done = True
            pending.woken.set()
        self._queue = []

    def _write_together(self, together: list[Pending]) -> None:
        try:
            self._written(together, self._save(*(o for p in together for o in p.write)))
        except IntegrityError as error:
            if len(together) == 1:
                together[0].error = error
                return
            for pending in together:  # only the conflicting append fails
                self._write_alone(pending)
        except BaseException as error:  # each caller gets it; nothing was stored
            for pending in together:
                pending.error = error

    def _write_alone(self, pending: Pending) -> None:
        try:
            self._written([pending], self._save(*pending.write))
        except BaseException as error:  # its caller gets it
            pending.error = error

    @staticmethod
    def _written(together: list[Pending], recordings: list[Recording[UUID]]) -> None:
        for pending in together:
            pending.recordings = [
                r for r in recordings if r.domain_event.originator_id == pending.journey_id
            ]
