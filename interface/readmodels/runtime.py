"""Read models at run time: the projectors for every read model, in a thread or a process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine

from application.journeys import Journeys
from application.projections.loop import RETRY_CAP_SECONDS, ProjectorLoop
from application.projections.projector import BATCH_SIZE, Projector, ReadModelSupersededError
from interface.readmodels.rows import ROWS_OF
from interface.storage.leader import PROJECTIONS, RETRY_SECONDS, Leadership, SoleLeadership
from interface.storage.readmodels.generations import Generations
from interface.storage.readmodels.records import records_for
from interface.storage.readmodels.tables import SHAPES, ReadModelShape
from interface.storage.readmodels.targets import GenerationTarget
from interface.storage.save_notices import SaveNotices

log = logging.getLogger("kap.projections")
STANDING_BY = "another process projects; this one takes over if it stops"


def projector_for(
    journeys: Journeys,
    engine: Engine,
    registry: Generations,
    shape: ReadModelShape,
    generation: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> Projector:
    target = GenerationTarget(engine, registry, shape, ROWS_OF[shape.name], generation)
    return Projector(journeys, target, batch_size=batch_size, records=records_for(journeys))


def live_projectors(journeys: Journeys, engine: Engine, registry: Generations) -> list[Projector]:
    """A projector for every read model this code knows, unless newer code owns it."""
    projectors = []
    for shape in SHAPES.values():
        try:
            registry.prepare(shape)
        except ReadModelSupersededError:
            log.warning("%s: a newer table shape is in use; not projecting it", shape.name)
            continue
        projectors.append(projector_for(journeys, engine, registry, shape))
    return projectors


class Projections:
    """Every read model's projector, in the API process (a thread woken by each save) or
    as its own process; both poll as a fallback, since other processes write too. A new
    table shape, built beside the old one, goes live once it has caught up."""

    def __init__(self, journeys: Journeys, engine: Engine, registry: Generations) -> None:
        self.registry = registry
        self.loop = ProjectorLoop(
            live_projectors(journeys, engine, registry), when_caught_up=self.promote_built
        )
        self.thread: threading.Thread | None = None
        journeys.on_saved(self._wake)
        channel = getattr(journeys.recorder, "channel_name", None)
        self.notices = (
            None if channel is None else SaveNotices.for_engine(engine, channel, self._wake)
        )
        """Other processes' saves, heard as they commit (PostgreSQL), wake it too."""

    def _wake(self) -> None:
        self.loop.wake.set()

    def promote_built(self) -> None:
        """A new table shape built beside the old one goes live once it has caught up."""
        for shape in SHAPES.values():
            self.registry.promote_if_built(shape, caught_up_to=0)  # called when caught up

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self) -> None:
        """Run in a background thread; again after ``stop`` (a new term as projector:
        the same projectors, which read their positions from their tables)."""
        if self.loop.stopping.is_set():
            self.loop = ProjectorLoop(
                self.loop.projectors,
                self.loop.poll_seconds,
                when_caught_up=self.promote_built,
                gather_seconds=self.loop.gather_seconds,
            )
        self.thread = threading.Thread(target=self.loop.run, name="projections", daemon=True)
        self.thread.start()
        if self.notices is not None:
            self.notices.start()

    def stop(self) -> None:
        """After the current batch (a batch another projector races is refused whole)."""
        self.loop.stop()
        if self.notices is not None:
            self.notices.stop()
            self.notices = self.notices.again()
        if self.thread is not None:
            self.thread.join(timeout=10)


class BackgroundProjections:
    """The projections of a process, in exactly one process at a time: a supervising
    thread holds the projector's lock (``interface.storage.leader``; every second it
    tries to take it, or checks it still holds it), sets the projections up while it
    does (retrying with backoff capped at ``RETRY_CAP_SECONDS`` while the database is
    away), runs them, and stops them when the lock is lost. Started even while the
    database is down."""

    def __init__(
        self,
        build: Callable[[], Projections],
        leadership: Leadership | None = None,
        first_retry_seconds: float = 0.25,
        check_seconds: float = RETRY_SECONDS,
    ):
        self.build = build
        self.leadership = leadership or SoleLeadership(PROJECTIONS)
        self.first_retry_seconds = first_retry_seconds
        self.check_seconds = check_seconds
        self.projections: Projections | None = None
        self.leading = False
        """Whether this process holds the projector's lock (as of the last check)."""
        self.standing_by = False
        """Whether another process holds it (not: the database is away)."""
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._supervise, name="projector-lock", daemon=True)

    def start(self) -> None:
        # Lead and set up at once when the database answers, so /health tells from the
        # first request; else the thread keeps trying.
        try:
            self.leading = self.leadership.hold()
            self.standing_by = not self.leading
            if self.leading:
                self.projections = self.build()
                self.projections.start()
            else:
                log.warning(STANDING_BY)
        except Exception as error:  # the database is not there yet: retried in the thread
            log.warning("projections not set up yet (%s); retrying", type(error).__name__)
        self.thread.start()

    def _supervise(self) -> None:
        delay = self.first_retry_seconds
        while not self.stopping.is_set():
            wait = self.check_seconds
            was_standing_by = self.standing_by
            try:
                self.leading = self.leadership.hold()
                self.standing_by = not self.leading
                if self.leading and self.projections is None:
                    self.projections = self.build()
                delay = self.first_retry_seconds
            except Exception as error:  # the database is away: wait longer, up to the cap
                self.standing_by = False
                wait, delay = delay, min(delay * 2, RETRY_CAP_SECONDS)
                log.warning(
                    "projections not set up yet (%s); retrying in %.1f s",
                    type(error).__name__,
                    wait,
                )
            if self.leading and self.projections is not None and not self.projections.running:
                if was_standing_by:
                    log.warning("the projector stopped: this process projects now")
                self.projections.start()
            elif self.standing_by and not was_standing_by:
                log.warning(STANDING_BY)
            if not self.leading and self.projections is not None and self.projections.running:
                log.warning("projector lock lost: this process stops projecting")
                self.projections.stop()
            self.stopping.wait(wait)
        if self.projections is not None:
            self.projections.stop()
        self.leadership.release()
        self.leading = self.standing_by = False

    @property
    def running(self) -> bool:
        """Leading, set up, its threads alive, and its last round went through."""
        projections = self.projections
        return (
            self.leading
            and projections is not None
            and projections.running
            and self.thread.is_alive()
            and not self.stopping.is_set()
            and not projections.loop.failing
        )

    def request_stop(self) -> None:
        """Stop after the current batch (safe from a signal handler: it does not wait)."""
        self.stopping.set()
        if self.projections is not None:
            self.projections.loop.stop()

    def wait(self) -> None:
        """Until stopped (in short joins, so the main thread still takes signals)."""
        while self.thread.is_alive():
            self.thread.join(timeout=0.5)

    def stop(self) -> None:
        self.request_stop()
        if self.thread.is_alive():
            self.thread.join(timeout=15)
