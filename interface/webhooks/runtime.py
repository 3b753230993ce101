"""The webhook worker: one thread, in one process at a time, that fills the outbox from
the log and posts what is due.

It holds its own advisory lock on PostgreSQL (``WEBHOOKS``, beside the projector's and
the checkpointer's: ``interface.storage.leader``), so however many workers serve, one
feeds and delivers, and another takes over within seconds when it stops. On SQLite the
one process does. It is woken by each save in this process (and on PostgreSQL by every
other process's, heard as it commits), gathers the saves arriving with it for a moment
so one round tells them all, and polls otherwise; a round that fails (the database
away) is logged and tried again after a longer wait.

While no endpoint is registered anywhere a save wakes nothing (a round would find nobody
to tell: it cost a serving process 7 % of its CPU at one append after another); the
poll still runs, so an endpoint registered in another process is found within
``poll_seconds`` and hears every event stored after it, and one registered here, a
redelivery or a refused dose wakes the worker at once (``wake``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from application.projections.loop import GATHER_SECONDS
from application.webhooks_delivery import Deliverer
from application.webhooks_outbox import OutboxFeeder
from interface.storage.leader import Duty, Leadership
from interface.storage.save_notices import SaveNotices

WEBHOOKS = Duty("webhooks", 3)
RETRY_CAP_SECONDS = 30.0

log = logging.getLogger("kap.webhooks")


class WebhookWorker:
    def __init__(
        self,
        build: Callable[[], tuple[OutboxFeeder, Deliverer]],
        leadership: Leadership,
        poll_seconds: float = 1.0,
    ) -> None:
        """``build``: the feeder and the deliverer, made on the first round that leads
        (so the worker starts while the database is away)."""
        self.build = build
        self.parts: tuple[OutboxFeeder, Deliverer] | None = None
        self.leadership = leadership
        self.poll_seconds = poll_seconds
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.failing_rounds = 0
        self.thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
        self.notices: SaveNotices | None = None
        """Other processes' saves, heard as they commit, once this one leads."""

    def start(self) -> None:
        self.thread.start()

    def saved(self) -> None:
        """A save here or in another process: a round soon, if anyone could hear of it."""
        if self.parts is None or self.parts[0].anyone_listens:
            self.wake.set()

    def round(self) -> bool:
        """Feed and deliver once if this process leads; whether anything was done."""
        if not self.leadership.hold():
            return False
        if self.parts is None:
            self.parts = self.build()
            if self.notices is not None and not self.stopping.is_set():
                self.notices.start()
        feeder, deliverer = self.parts
        fed = feeder.catch_up()
        delivered = deliverer.deliver_due()
        return bool(fed or delivered)

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.wake.clear()
            try:
                busy = self.round()
            except Exception as error:  # the database away: the thread must live on
                self.failing_rounds += 1
                wait = min(self.poll_seconds * 2**self.failing_rounds, RETRY_CAP_SECONDS)
                log.warning(
                    "webhook round failed (%s); retrying in %.1f s", type(error).__name__, wait
                )
                self.stopping.wait(wait)
                continue
            self.failing_rounds = 0
            if not busy:
                self.wake.wait(self.poll_seconds)
            self.stopping.wait(GATHER_SECONDS)
        try:
            self.leadership.release()
        except Exception as error:  # going away all the same
            log.debug("webhook lock not released (%s)", type(error).__name__)

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        if self.notices is not None:
            self.notices.stop()
        if self.thread.is_alive():
            self.thread.join(timeout=15)
