"""Rows kept current event by event equal a full rebuild, row for row, and say what the
journey's status says: after a long random mix of journeys posted in any order, with
the live projector run in small batches at random points."""

from __future__ import annotations

import random
from collections import deque
from datetime import timedelta
from typing import Any

import pytest

from application.journeys import Journeys
from domain.journey import APPENDABLE
from interface.readmodels.caseload import flags_of_row
from interface.storage.readmodels.tables import CASELOAD, SHAPES
from tests.integration.readmodels.harness import ReadModels, journey_id_of
from tests.integration.readmodels.stories import Script, random_script

SEEDS = (12, 13, 17)
JOURNEYS = 10


def scripts_of(seed: int) -> list[Script]:
    rng = random.Random(seed)
    return [random_script(rng, number) for number in range(JOURNEYS)]


@pytest.mark.parametrize("seed", SEEDS)
def test_each_seeded_mix_holds_every_kind_of_entry_both_protocols_and_late_ones(seed):
    scripts = scripts_of(seed)
    posted = {line.step.type for script in scripts for line in script.lines}

    assert posted == set(APPENDABLE)
    assert {script.protocol for script in scripts} == {"kap-standard", "spravato-rems"}
    assert any(line.late for script in scripts for line in script.lines)


def post_in_random_order(models: ReadModels, rng: random.Random, scripts: list[Script]) -> None:
    """Interleave the journeys' steps; run a live projector a few batches now and then."""
    live = [models.live_projector(shape, batch_size=rng.randint(3, 7)) for shape in SHAPES.values()]
    waiting = {script.number: deque(script.lines) for script in scripts}
    unopened = {script.number for script in scripts}
    by_number = {script.number: script for script in scripts}
    while waiting:
        number = rng.choice(sorted(waiting))
        script = by_number[number]
        if number in unopened:
            models.open(script)
            unopened.discard(number)
        else:
            models.post(script, waiting[number].popleft())
        if not waiting[number]:
            del waiting[number]
        if rng.random() < 0.25:
            for _ in range(rng.randint(1, 3)):
                rng.choice(live).process_batch()
    for projector in live:
        projector.catch_up()
        assert projector.position() == models.store_position()


def assert_row_says_the_status(app: Journeys, row: dict[str, Any]) -> None:
    """The row as staff would read the journey's status, at its last event and later."""
    at = row["last_event_at"]
    status = app.status(None, row["journey_id"], now=at)
    phq9 = status.outcomes.get("PHQ-9")
    assert (
        row["clinic_id"],
        row["protocol"],
        row["stage"],
        row["next_step_code"],
        row["next_step_text"],
        row["sessions_completed"],
        row["version"],
        row["phq9_latest"],
        row["phq9_band"],
    ) == (
        status.clinic_id,
        status.protocol_name,
        status.stage,
        status.next_step.code,
        status.next_step.text,
        status.sessions_completed,
        status.version,
        phq9.latest if phq9 else None,
        phq9.band if phq9 else None,
    )
    for now in (at, at + timedelta(days=8), at + timedelta(days=30)):
        assert flags_of_row(row, now) == app.status(None, row["journey_id"], now=now).flags


@pytest.mark.parametrize("seed", SEEDS)
def test_rows_kept_in_small_batches_equal_a_rebuild_row_for_row(models, seed):
    rng = random.Random(seed)
    scripts = scripts_of(seed)
    post_in_random_order(models, rng, scripts)

    for shape in SHAPES.values():
        live = models.live_rows(shape)
        caught_up = models.build_fresh(shape)  # a fresh generation, event by event
        rebuilt = models.registry.start(shape).generation  # one load per journey
        models.fixed_projector(shape, rebuilt).rebuild()
        assert models.rows(shape, caught_up) == live, shape.name
        assert models.rows(shape, rebuilt) == live, shape.name
        assert live, f"{shape.name} has rows"

    rows = models.live_rows(CASELOAD)
    assert sorted(row["journey_id"] for row in rows) == sorted(
        journey_id_of(models.app, s) for s in scripts
    )
    for row in rows:
        assert_row_says_the_status(models.app, row)
