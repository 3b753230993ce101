"""The projecting process hears every other worker's save as it commits (PostgreSQL's
LISTEN/NOTIFY on the journey log's channel) and projects it at once, not at its next
poll: under ``serve --workers N`` the caseload trails an append on any worker by about
as much as one on its own."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import partial

import pytest

from interface.readmodels.runtime import Projections
from interface.storage.readmodels.tables import CASELOAD
from tests.databases import throwaway_postgres
from tests.integration.journeys_app import build_app, open_journey
from tests.integration.readmodels.harness import ReadModels

pytestmark = pytest.mark.postgres
POLL_SECONDS = 60.0  # far longer than the test waits: only a notice can wake it


@pytest.fixture
def database_url() -> Iterator[str]:
    with throwaway_postgres() as url:
        yield url


def wait_for(done: Callable[[], bool], within: float) -> float:
    start = time.monotonic()
    while not done() and time.monotonic() - start < within:
        time.sleep(0.02)
    assert done(), f"not within {within} s"
    return time.monotonic() - start


def live_position(models: ReadModels) -> int:
    live = models.registry.live(CASELOAD)
    return -1 if live is None else live.position


def reached(models: ReadModels, end: int) -> bool:
    return live_position(models) == end


def test_another_workers_save_is_projected_without_waiting_for_the_poll(
    models: ReadModels,
) -> None:
    projections = Projections(models.app, models.engine, models.registry)
    projections.loop.poll_seconds = POLL_SECONDS
    other_worker = build_app(models.url, models.key)
    projections.start()
    try:
        assert projections.notices is not None
        wait_for(projections.notices.listening.is_set, within=5)
        wait_for(lambda: models.registry.live(CASELOAD) is not None, within=5)
        time.sleep(0.2)  # the first round is over: the loop waits for a wake

        for number in range(3):
            open_journey(other_worker, f"MRN-{number}")
            end = other_worker.log_position()
            took = wait_for(partial(reached, models, end), within=5)
            assert took < 2
    finally:
        projections.stop()
        other_worker.close()
