"""The periodic checkpoint of ``serve``: a daemon thread that signs the log every few
minutes when there are new events."""

from __future__ import annotations

import logging
import threading

from application.audit.checkpoints import CheckpointService, InconsistentLogError

log = logging.getLogger("kap.audit.checkpoints")

DEFAULT_EVERY_SECONDS = 300.0
"""How often ``serve`` looks for new events to checkpoint."""


class PeriodicCheckpoints:
    """The running periodic checkpoint; ``set()`` stops it and waits for the thread, so
    nothing is still using the database when the service closes its connections."""

    def __init__(self, stop: threading.Event, thread: threading.Thread) -> None:
        self._stop = stop
        self._thread = thread

    def set(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


def start_periodic_checkpoints(
    service: CheckpointService,
    every_seconds: float = DEFAULT_EVERY_SECONDS,
    *,
    immediately: bool = True,
) -> PeriodicCheckpoints:
    """Checkpoint from a daemon thread every ``every_seconds`` when there are new events.

    Returns what stops it: ``.set()``. An inconsistent log is logged as an error on every
    attempt (and nothing is signed); other failures (a database that is down) are logged
    and retried at the next tick.
    """
    stop = threading.Event()

    def attempt() -> None:
        try:
            service.create()
        except InconsistentLogError as error:
            log.error("checkpoint refused: %s", error)
        except Exception:
            log.exception("checkpoint failed; trying again in %s s", every_seconds)

    def run() -> None:
        if immediately:
            attempt()
        while not stop.wait(every_seconds):
            attempt()

    thread = threading.Thread(target=run, name="kap-checkpoints", daemon=True)
    thread.start()
    return PeriodicCheckpoints(stop, thread)
