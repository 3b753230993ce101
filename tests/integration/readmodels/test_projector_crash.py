"""Exactly once under a crash: a real projector process killed (SIGKILL) in the middle of
catching up on a backlog, then restarted, converges to the rows a rebuild gives, with
no journey missing, none at a stale version, and no row twice."""

from __future__ import annotations

import signal

import pytest

from interface.storage.readmodels.tables import CASELOAD, SHAPES
from tests.integration.readmodels.backlog import write_backlog
from tests.integration.readmodels.harness import ReadModels
from tests.integration.readmodels.processes import start_projector, stop, wait_for

JOURNEYS = 160
"""About 3,300 events: two batches (``BATCH_SIZE``, 2,000 events) per read model."""


def live_positions(models: ReadModels) -> dict[str, int]:
    live = {name: models.registry.live(shape) for name, shape in SHAPES.items()}
    return {name: g.position for name, g in live.items() if g is not None}


@pytest.mark.e2e
def test_a_projector_killed_mid_catch_up_converges_exactly_once_when_restarted(models, tmp_path):
    versions = write_backlog(models, JOURNEYS)
    end = models.store_position()
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"

    first = start_projector(models, first_log)
    try:

        def mid_catch_up() -> dict[str, int] | None:
            positions = live_positions(models)
            return positions if 0 < positions.get("caseload", 0) < end else None

        seen = wait_for(mid_catch_up, first, first_log, timeout=30)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
    finally:
        stop(first)
    killed_at = live_positions(models)
    assert seen["caseload"] <= killed_at["caseload"] < end, (seen, killed_at, end)

    second = start_projector(models, second_log)
    try:
        wait_for(
            lambda: True if live_positions(models) == dict.fromkeys(SHAPES, end) else None,
            second,
            second_log,
            timeout=60,
            every=0.05,
        )
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=15) == 0, second_log.read_text()
    finally:
        stop(second)

    for shape in SHAPES.values():
        assert models.live_rows(shape) == models.rows(shape, models.build_fresh(shape))
    caseload = models.live_rows(CASELOAD)
    assert {str(row["journey_id"]): row["version"] for row in caseload} == versions
    assert len(caseload) == JOURNEYS
