"""Several API workers writing to one journey at once (separate applications, one store)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest

from application.errors import VersionMismatchError
from domain.errors import RuleViolationError
from tests.integration.journeys_app import CLINIC, build_app, new_key, open_journey, post
from tests.story import START, dosing_session, intake, step


def race(workers: int, action: Callable[[int], object]) -> list[object]:
    """Run ``action(i)`` in ``workers`` threads released at the same moment."""
    barrier = threading.Barrier(workers)
    results: list[object] = [None] * workers

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = action(i)
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def ready_for_dose(database_url):
    key = new_key()
    apps = [build_app(database_url, key) for _ in range(2)]
    journey_id = open_journey(apps[0])
    check, dose, *_ = dosing_session(1, START + timedelta(days=10))
    for s in [*intake(), check]:
        post(apps[0], journey_id, s)
    yield apps, journey_id, dose
    for app in apps:
        app.close()


@pytest.mark.parametrize("attempt", range(3))
def test_two_doses_for_one_session_at_once_store_exactly_one(ready_for_dose, attempt):
    apps, journey_id, dose = ready_for_dose
    outcomes = race(2, lambda i: post(apps[i], journey_id, dose))

    refused = [o for o in outcomes if isinstance(o, RuleViolationError)]
    assert len(refused) == 1, outcomes
    assert refused[0].rule == "J-08"
    doses = [h for h in apps[0].history(CLINIC, journey_id) if h.type == "KetamineAdministered"]
    assert len(doses) == 1


def test_writers_that_lose_a_race_are_retried_on_the_new_state(ready_for_dose):
    apps, journey_id, dose = ready_for_dose
    post(apps[0], journey_id, dose)
    at = dose.occurred_at + timedelta(minutes=10)
    vitals = step("VitalsRecorded", at, session=1)
    outcomes = race(4, lambda i: post(apps[i % 2], journey_id, vitals))

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    versions = sorted(o.version for o in outcomes)  # type: ignore[attr-defined]
    assert versions == list(range(versions[0], versions[0] + 4))


def test_writers_naming_the_same_version_get_exactly_one_through(ready_for_dose):
    apps, journey_id, dose = ready_for_dose
    current = len(apps[0].history(CLINIC, journey_id))
    vitals = step("VitalsRecorded", dose.occurred_at - timedelta(minutes=5), session=1)
    outcomes = race(2, lambda i: post(apps[i], journey_id, vitals, expected_version=current))

    assert sum(isinstance(o, VersionMismatchError) for o in outcomes) == 1, outcomes
    assert len(apps[0].history(CLINIC, journey_id)) == current + 1
