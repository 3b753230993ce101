"""Processes that start together on a fresh PostgreSQL database each create the event
store's tables; PostgreSQL lets two CREATE TABLE IF NOT EXISTS race (a duplicate type),
and neither start may fail for it."""

from __future__ import annotations

import threading

import pytest

from application.journeys import Journeys
from interface.storage.environment import store_environment
from tests.databases import throwaway_postgres
from tests.integration.journeys_app import new_key

STARTS = 6


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_starts_on_a_fresh_database_all_succeed(attempt):
    key = new_key()
    with throwaway_postgres() as url:
        env = store_environment(url, key)
        barrier = threading.Barrier(STARTS)
        failures: list[BaseException] = []
        started: list[Journeys] = []

        def start() -> None:
            barrier.wait()
            try:
                started.append(Journeys(env=env))
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=start) for _ in range(STARTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        for journeys in started:
            journeys.close()

    assert failures == []
    assert len(started) == STARTS
