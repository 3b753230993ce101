"""Two API workers posting the same dose at the same moment: exactly one is recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from interface.http.app import create_app
from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, dosing_session, intake, session_days


def race(actions: list[Callable[[], Response]]) -> list[Response]:
    """Run every action in its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(actions))
    answers: list[Response | None] = [None] * len(actions)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = actions[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(answer is not None for answer in answers), "a worker did not answer"
    return answers  # type: ignore[return-value]


@pytest.fixture
def second_worker(api: Api) -> Iterator[TestClient]:
    """Another app process on the same database, as behind a load balancer."""
    with TestClient(
        create_app(api.settings, clock=api.clock), raise_server_exceptions=False
    ) as client:
        yield client


def test_the_same_dose_posted_twice_at_once_is_recorded_once(
    api: Api, second_worker: TestClient
) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, intake())
    path = f"/v1/journeys/{journey_id}/events"
    headers = api.headers()

    clients = [api.client, second_worker]
    for number, day in enumerate(session_days(START + timedelta(days=10), 3), start=1):
        check, dose, *rest = dosing_session(number, day)
        api.post_all(journey_id, [check])
        api.clock.follow(dose.occurred_at)
        body = dose.envelope()

        answers = race([partial(c.post, path, json=body, headers=headers) for c in clients])

        codes = sorted(answer.status_code for answer in answers)
        assert codes == [201, 409], [a.text for a in answers]
        refused = next(a for a in answers if a.status_code == 409)
        assert assert_problem(refused, 409, "protocol_violation")["rule"] == "J-08"
        doses = [e for e in api.history(journey_id) if e["type"] == "KetamineAdministered"]
        assert [e["data"]["session"] for e in doses] == list(range(1, number + 1))
        api.post_all(journey_id, rest)


def test_writers_naming_the_same_version_get_exactly_one_through(
    api: Api, second_worker: TestClient
) -> None:
    journey_id = api.journey()
    consultation, baseline, *_ = intake()
    api.post_all(journey_id, [consultation])
    api.clock.follow(baseline.occurred_at)
    path = f"/v1/journeys/{journey_id}/events"
    headers = api.headers(if_match='"2"')
    body = baseline.envelope()

    answers = race(
        [partial(c.post, path, json=body, headers=headers) for c in (api.client, second_worker)]
    )

    assert sorted(a.status_code for a in answers) == [201, 412], [a.text for a in answers]
    assert api.version(journey_id) == 3


def test_concurrent_writers_without_if_match_are_all_recorded(
    api: Api, second_worker: TestClient
) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, intake()[:1])
    path = f"/v1/journeys/{journey_id}/events"
    headers = api.headers()
    clients = [api.client, second_worker] * 2
    measures = [
        {
            **intake()[1].envelope(),
            "occurred_at": (START + timedelta(hours=2, minutes=i)).isoformat(),
        }
        for i in range(4)
    ]
    api.clock.follow(START + timedelta(hours=3))

    answers = race(
        [
            partial(c.post, path, json=m, headers=headers)
            for c, m in zip(clients, measures, strict=True)
        ]
    )

    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert sorted(a.json()["version"] for a in answers) == [3, 4, 5, 6]
    assert len(api.history(journey_id)) == 6


def test_a_retry_racing_its_first_attempt_is_recorded_once(
    api: Api, second_worker: TestClient
) -> None:
    journey_id = api.journey()
    consultation = intake()[0]
    api.clock.follow(consultation.occurred_at)
    path = f"/v1/journeys/{journey_id}/events"
    headers = api.headers(idempotency_key="visit-1")
    body = consultation.envelope()

    answers = race(
        [partial(c.post, path, json=body, headers=headers) for c in (api.client, second_worker)]
    )

    assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    assert api.version(journey_id) == 2
