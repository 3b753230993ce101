"""A journey whose stored entries were altered so they no longer fold (two versions
swapped by raw SQL, triggers dropped first) answers 409 ``journey_damaged`` on every
staff and clinic path, never a 500, and stays not found to another clinic."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest

from tests.integration.audit.intruder import Intruder
from tests.integration.http.conftest import Api, assert_problem
from tests.story import intake


def swap_contents(intruder: Intruder, journey_id: UUID, first: int, second: int) -> None:
    """Swap two entries' stored bytes, each keeping its type column (the fold then meets
    a screening's content where a measure should be: the ``KeyError`` of old)."""
    a, _ = intruder.row(journey_id, first)
    b, _ = intruder.row(journey_id, second)
    intruder.overwrite(journey_id, first, b)
    intruder.overwrite(journey_id, second, a)


def swap_rows(intruder: Intruder, journey_id: UUID, first: int, second: int) -> None:
    """Swap two entries whole (type and bytes): here the opening is no longer first."""
    intruder.swap(journey_id, first, second)


TAMPERING: dict[str, Callable[[Intruder, UUID], None]] = {
    "contents of 3 and 4": lambda intruder, j: swap_contents(intruder, j, 3, 4),
    "opening and 2": lambda intruder, j: swap_rows(intruder, j, 1, 2),
}


@pytest.fixture(params=list(TAMPERING))
def damaged(api: Api, request: pytest.FixtureRequest) -> str:
    journey_id = api.journey()
    api.post_all(journey_id, intake())
    intruder = Intruder(api.database_url, api.app.state.services.journeys)
    intruder.drop_protection()
    TAMPERING[request.param](intruder, UUID(journey_id))
    return journey_id


def test_an_untouched_journey_reads_as_before(api: Api) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, intake())
    assert api.status(journey_id).status_code == 200
    assert api.history_answer(journey_id).status_code == 200


def test_status_and_history_answer_journey_damaged(api: Api, damaged: str) -> None:
    assert_problem(api.status(damaged), 409, "journey_damaged")
    assert_problem(api.history_answer(damaged), 409, "journey_damaged")
    staff_history = api.history_answer(damaged, token=api.tokens["staff"])
    assert_problem(staff_history, 409, "journey_damaged")


def test_replay_answers_journey_damaged(api: Api, damaged: str) -> None:
    answer = api.client.get(
        f"/v1/journeys/{damaged}/replay",
        params={"version": 1},
        headers=api.headers(api.tokens["auditor"]),
    )
    assert_problem(answer, 409, "journey_damaged")


def test_nothing_is_appended_to_a_damaged_journey(api: Api, damaged: str) -> None:
    before = api.app.state.services.journeys.recorder.max_notification_id()
    step = intake()[-1]
    answer = api.post(damaged, step, idempotency_key="after-damage")
    assert_problem(answer, 409, "journey_damaged")
    assert api.app.state.services.journeys.recorder.max_notification_id() == before


def test_another_clinic_still_finds_nothing(api: Api, damaged: str) -> None:
    assert_problem(api.status(damaged, token=api.other_clinic["staff"]), 404, "journey_not_found")
    other_append = api.post(damaged, intake()[-1], token=api.other_clinic["clinic_system"])
    assert_problem(other_append, 404, "journey_not_found")


def test_the_problem_names_no_clinical_content(api: Api, damaged: str) -> None:
    detail = api.status(damaged).json()["detail"]
    assert damaged in detail
    assert "MRN-0042" not in detail
    assert "KeyError" not in detail
