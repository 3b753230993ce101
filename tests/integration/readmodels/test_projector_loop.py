"""The projector loop while every round fails: it keeps going, backs off (doubling, capped
at a few seconds) instead of hammering the database, and says so until a round goes
through again."""

from __future__ import annotations

import threading
import time

from application.projections.loop import RETRY_CAP_SECONDS, ProjectorLoop
from interface.storage.readmodels.tables import CASELOAD
from tests.integration.journeys_app import open_journey
from tests.integration.readmodels.triggers import drop, refuse_position_moves


def test_the_retry_delay_doubles_from_the_poll_interval_up_to_the_cap():
    loop = ProjectorLoop([], poll_seconds=0.1)
    delays = []
    for failed in range(12):
        loop.failing_rounds = failed
        delays.append(loop.retry_delay())

    assert delays[:5] == [0.1, 0.2, 0.4, 0.8, 1.6]
    assert delays[-1] == RETRY_CAP_SECONDS == 5.0
    assert max(delays) == RETRY_CAP_SECONDS


def test_a_loop_whose_rounds_fail_backs_off_then_recovers_by_itself(models):
    open_journey(models.app, "MRN-1")
    trigger = refuse_position_moves(models.engine, "caseload")
    loop = ProjectorLoop([models.live_projector(CASELOAD)], poll_seconds=0.1)
    thread = threading.Thread(target=loop.run)
    thread.start()
    try:
        time.sleep(3)
        failing, errors = loop.failing, loop.errors
        drop(models.engine, trigger, "read_model_generations")
        deadline = time.monotonic() + RETRY_CAP_SECONDS + 3
        while loop.failing and time.monotonic() < deadline:
            time.sleep(0.05)
        recovered = not loop.failing
    finally:
        loop.stop()
        thread.join(timeout=10)

    assert failing
    assert 3 <= errors <= 8, f"{errors} attempts in 3 s: 30 without backoff"
    assert recovered
    assert models.registry.live(CASELOAD).position == models.store_position()
    assert not thread.is_alive()
