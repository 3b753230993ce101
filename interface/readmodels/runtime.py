"""Read models at run time: the projectors for every read model, in a thread or a process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine

from application.journeys import Journeys
from application.projections.loop import RETRY_CAP_SECONDS, ProjectorLoop
from application.projections.projector import Projector, ReadModelSupersededError
from interface.readmodels.rows import ROWS_OF
from interface.storage.readmodels.generations import Generations
from interface.storage.readmodels.tables import SHAPES, ReadModelShape
from interface.storage.readmodels.targets import GenerationTarget

log = logging.getLogger("kap.projections")


def projector_for(
    journeys: Journeys,
    engine: Engine,
    registry: Generations,
    shape: ReadModelShape,
    generation: int | None = None,
    batch_size: int = 500,
) -> Projector:
    target = GenerationTarget(engine, registry, shape, ROWS_OF[shape.name], generation)
    return Projector(journeys, target, batch_size=batch_size)


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
        journeys.on_saved(self.loop.wake.set)
        self.thread = threading.Thread(target=self.loop.run, name="projections", daemon=True)

    def promote_built(self) -> None:
        """A new table shape built beside the old one goes live once it has caught up."""
        for shape in SHAPES.values():
            self.registry.promote_if_built(shape, caught_up_to=0)  # called when caught up

    def start(self) -> None:
        """Run in a background thread (inside ``serve``)."""
        self.thread.start()

    def run(self) -> None:
        """Run in the foreground until ``stop`` (the ``project`` process)."""
        self.loop.run()

    def stop(self) -> None:
        self.loop.stop()
        self.thread.join(timeout=10)


class BackgroundProjections:
    """The projections of a serving process, started even while the database is down:
    until they can be set up (the store, the registry, each read model's generation),
    a thread keeps trying, with backoff capped at ``RETRY_CAP_SECONDS``, then runs them."""

    def __init__(self, build: Callable[[], Projections], first_retry_seconds: float = 0.25):
        self.build = build
        self.first_retry_seconds = first_retry_seconds
        self.projections: Projections | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(
            target=self._set_up_then_run, name="projections", daemon=True
        )

    def start(self) -> None:
        # Set up at once when the database answers, so /health says "running" from the
        # first request; else the thread keeps trying.
        try:
            self.projections = self.build()
        except Exception as error:  # the database is not there yet: retried in the thread
            log.warning("projections not set up yet (%s); retrying", type(error).__name__)
        self.thread.start()

    def _set_up_then_run(self) -> None:
        delay = self.first_retry_seconds
        while self.projections is None and not self.stopping.is_set():
            self.stopping.wait(delay)
            if self.stopping.is_set():
                return
            try:
                self.projections = self.build()
            except Exception as error:  # still not there: wait longer, up to the cap
                delay = min(delay * 2, RETRY_CAP_SECONDS)
                log.warning(
                    "projections not set up yet (%s); retrying in %.1f s",
                    type(error).__name__,
                    delay,
                )
        if self.projections is not None and not self.stopping.is_set():
            self.projections.run()

    @property
    def running(self) -> bool:
        """Set up, its thread alive, and its last round went through."""
        projections = self.projections
        return (
            projections is not None
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
            self.thread.join(timeout=10)
