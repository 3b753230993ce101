"""The periodic checkpoint of ``serve``: a daemon thread that signs the log every few
minutes when there are new events, in one process at a time."""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from application.audit.checkpoints import InconsistentLogError
from interface.storage.leader import CHECKPOINTS, RETRY_SECONDS, Leadership, SoleLeadership

log = logging.getLogger("kap.audit.checkpoints")

DEFAULT_EVERY_SECONDS = 300.0
"""How often ``serve`` looks for new events to checkpoint."""


class PeriodicCheckpoints:
    """The running periodic checkpoint; ``set()`` stops it and waits for the thread, so
    nothing is still using the database when the service closes its connections, then
    gives up its lock."""

    def __init__(
        self, stop: threading.Event, thread: threading.Thread, leadership: Leadership
    ) -> None:
        self._stop = stop
        self._thread = thread
        self._leadership = leadership

    def set(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        self._leadership.release()


class Checkpointing(Protocol):
    def create(self) -> object: ...


def start_periodic_checkpoints(
    service: Checkpointing,
    every_seconds: float = DEFAULT_EVERY_SECONDS,
    *,
    immediately: bool = True,
    leadership: Leadership | None = None,
) -> PeriodicCheckpoints:
    """Checkpoint from a daemon thread every ``every_seconds`` when there are new events,
    while this process holds the checkpoint lock (one process at a time on PostgreSQL:
    the others try again every second, and one that takes over waits a whole interval
    before its first).

    Returns what stops it: ``.set()``. An inconsistent log is logged as an error on every
    attempt (and nothing is signed); other failures (a database that is down) are logged
    and retried at the next tick.
    """
    stop = threading.Event()
    leader = leadership or SoleLeadership(CHECKPOINTS)
    tick = min(every_seconds, RETRY_SECONDS)

    def attempt() -> None:
        try:
            service.create()
        except InconsistentLogError as error:
            log.error("checkpoint refused: %s", error)
        except Exception:
            log.exception("checkpoint failed; trying again in %s s", every_seconds)

    def run() -> None:
        due: float | None = None  # the next attempt, while this process leads
        first = immediately
        while not stop.is_set():
            if not _leads(leader):
                due = None
            else:
                now = time.monotonic()
                if due is None:
                    due, first = (now if first else now + every_seconds), False
                if now >= due:
                    attempt()
                    due = time.monotonic() + every_seconds
                    continue
            stop.wait(tick if due is None else min(tick, due - time.monotonic()))

    thread = threading.Thread(target=run, name="kap-checkpoints", daemon=True)
    thread.start()
    return PeriodicCheckpoints(stop, thread, leader)


def _leads(leadership: Leadership) -> bool:
    try:
        return leadership.hold()
    except Exception:  # the database is away: an attempt would fail too; tried next tick
        return False
