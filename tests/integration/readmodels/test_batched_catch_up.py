"""Catching up in batches gives the rows that following event by event gives: whatever
the batch size, whether a journey's state is folded on from the previous batch or
loaded again from the store, and after a batch that failed half-way (its rows written,
its transaction lost) the same projector goes on without losing or repeating an event."""

from __future__ import annotations

import random

import psycopg
import pytest
from sqlalchemy import Connection, Table

from application.projections.projector import ProjectionFailure, Projector
from interface.readmodels.rows import ROWS_OF
from interface.storage.readmodels.records import records_for
from interface.storage.readmodels.tables import CASELOAD, SHAPES, ReadModelShape
from interface.storage.readmodels.targets import GenerationTarget, Made
from tests.integration.readmodels.harness import ReadModels
from tests.integration.readmodels.stories import random_script

JOURNEYS = 6


def post_interleaved(models: ReadModels, seed: int) -> None:
    """A seeded mix of journeys, their steps interleaved in the log."""
    rng = random.Random(seed)
    scripts = [random_script(rng, number) for number in range(JOURNEYS)]
    waiting = {script.number: list(script.lines) for script in scripts}
    for script in scripts:
        models.open(script)
    while waiting:
        number = rng.choice(sorted(waiting))
        models.post(scripts[number], waiting[number].pop(0))
        if not waiting[number]:
            del waiting[number]


def built(models: ReadModels, shape: ReadModelShape, batch_size: int, followed: int) -> int:
    """A fresh generation caught up in batches of ``batch_size`` events, keeping up to
    ``followed`` journey states between batches (0: every journey loaded each batch)."""
    fresh = models.registry.start(shape)
    target = GenerationTarget(
        models.engine, models.registry, shape, ROWS_OF[shape.name], fresh.generation
    )
    projector = Projector(
        models.app, target, batch_size, records=records_for(models.app), followed=followed
    )
    projector.catch_up()
    assert projector.position() == models.store_position()
    return fresh.generation


def test_any_batch_size_gives_the_rows_of_event_by_event(models):
    post_interleaved(models, 3)

    for shape in SHAPES.values():
        event_by_event = models.rows(shape, built(models, shape, batch_size=1, followed=0))
        assert event_by_event, shape.name
        for batch_size, followed in ((1, 2000), (7, 1), (7, 2000), (1000, 0)):
            rows = models.rows(shape, built(models, shape, batch_size, followed))
            assert rows == event_by_event, (shape.name, batch_size, followed)


def test_a_rebuild_in_pages_of_any_size_gives_the_rows_of_event_by_event(models):
    post_interleaved(models, 5)

    for shape in SHAPES.values():
        event_by_event = models.rows(shape, built(models, shape, batch_size=1, followed=0))
        for page in (1, 2, JOURNEYS, JOURNEYS + 1):
            rebuilt = models.registry.start(shape).generation
            models.fixed_projector(shape, rebuilt, batch_size=page).rebuild()
            assert models.rows(shape, rebuilt) == event_by_event, (shape.name, page)


class CrashOnce(GenerationTarget):
    """Writes the rows of its ``crash_at``-th batch, then loses the transaction."""

    crash_at = 3

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.batches = 0

    def write_rows(
        self, connection: Connection, table: Table, made: Made, upto: int
    ) -> list[ProjectionFailure]:
        failed = super().write_rows(connection, table, made, upto)
        self.batches += 1
        if self.batches == self.crash_at:
            raise ConnectionResetError("lost mid-batch")
        return failed


def test_a_batch_lost_mid_write_is_projected_once_when_the_same_projector_goes_on(models):
    post_interleaved(models, 6)
    shape = CASELOAD
    fresh = models.registry.start(shape)
    crashing = CrashOnce(
        models.engine, models.registry, shape, ROWS_OF["caseload"], fresh.generation
    )
    projector = Projector(models.app, crashing, batch_size=5, records=records_for(models.app))

    with pytest.raises(ConnectionResetError):
        projector.catch_up()
    stood_at = projector.position()
    projector.catch_up()

    assert 0 < stood_at < models.store_position()
    assert projector.position() == models.store_position()
    rows = models.rows(shape, fresh.generation)
    assert rows == models.rows(shape, built(models, shape, batch_size=1, followed=0))
    assert len({row["journey_id"] for row in rows}) == len(rows) == JOURNEYS


def skip_log_ids(models: ReadModels, count: int) -> None:
    """Ids the log will never use, as saves rolled back leave them (PostgreSQL)."""
    table = models.app.recorder.events_table_name
    with psycopg.connect(models.url, autocommit=True) as connection:
        connection.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), "
            "nextval(pg_get_serial_sequence(%s, 'notification_id')) + %s)",
            (table, table, count),
        )


def test_ids_skipped_by_more_than_a_batch_are_passed_over(models):
    if not models.url.startswith("postgresql"):
        pytest.skip("ids skipped by rolled-back saves: PostgreSQL's sequence")
    rng = random.Random(7)
    scripts = [random_script(rng, number) for number in range(2)]
    models.open(scripts[0])
    skip_log_ids(models, 50)
    after_the_gap = models.tell(scripts[1])
    assert models.app.journey_log.positions_of(after_the_gap)[1] > 50
    for line in scripts[0].lines[:3]:
        models.post(scripts[0], line)

    for shape in SHAPES.values():
        rows = models.rows(shape, built(models, shape, batch_size=3, followed=2000))
        assert rows == models.rows(shape, built(models, shape, batch_size=1000, followed=0))
