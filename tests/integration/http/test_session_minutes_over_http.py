"""A session's length over HTTP: ``minutes`` on PreparationCompleted, GuidedTherapyNoted
and IntegrationCompleted is a whole number from 1 to 480, refused otherwise with a 422
naming the field and storing nothing; a correction is held to the same bounds; the
superbill bills the minutes recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.http.conftest import Api, assert_problem
from tests.integration.http.test_superbill_over_http import set_up_billing, superbill
from tests.story import START, Step, dosing_session, intake, step

FIRST_DOSE = START + timedelta(days=5, hours=1)
LATER = FIRST_DOSE + timedelta(days=5)
"""After every step of the story: entries posted in the tests."""

TYPES = ["PreparationCompleted", "GuidedTherapyNoted", "IntegrationCompleted"]


def discharged_journey(api: Api, patient_ref: str, sessions: int = 1) -> str:
    """Intake, then ``sessions`` dosed and discharged, the last one not integrated yet."""
    journey_id = api.journey(patient_ref)
    steps = list(intake(START))
    for n in range(1, sessions + 1):
        steps += dosing_session(n, FIRST_DOSE + timedelta(days=3 * (n - 1)), integrate=False)
        if n < sessions:
            steps.append(step("IntegrationCompleted", LATER, session=n, minutes=53))
    api.post_all(journey_id, steps)
    return journey_id


@pytest.fixture(scope="module")
def journey_id(shared_api: Api) -> str:
    """Intake, then session 1 dosed and discharged, not integrated yet."""
    return discharged_journey(shared_api, "MRN-MIN")


def body(event_type: str, minutes: Any, session: int = 1) -> Step:
    """The entry at ``LATER`` (posting it moves the clock there) with these minutes."""
    data = step(event_type, LATER).data
    if event_type != "PreparationCompleted":
        data["session"] = session
    data["minutes"] = minutes
    return Step(event_type, LATER, data, "therapist")


@pytest.mark.parametrize("event_type", TYPES)
@pytest.mark.parametrize(
    ("minutes", "says"),
    [
        (0, "greater than or equal to 1"),
        (481, "less than or equal to 480"),
        (-50, "greater than or equal to 1"),
        (52.5, "valid integer"),
        # 53.0 is the integer 53 (JSON Schema counts it so): accepted, see test_openapi.py
        ("53", "valid integer"),
        (True, "valid integer"),
        ([53], "valid integer"),
    ],
)
def test_minutes_outside_1_to_480_or_not_a_whole_number_are_422_naming_the_field(
    shared_api: Api, journey_id: str, event_type: str, minutes: Any, says: str
) -> None:
    before = shared_api.version(journey_id)

    answer = shared_api.post(journey_id, body(event_type, minutes))

    problem = assert_problem(answer, 422, "invalid_request")
    assert problem["detail"].startswith(f"{event_type}.data.minutes:"), problem["detail"]
    assert says in problem["detail"]
    assert problem["errors"][0]["loc"] == ["body", event_type, "data", "minutes"]
    assert shared_api.version(journey_id) == before  # nothing stored


@pytest.mark.parametrize("event_type", ["PreparationCompleted", "GuidedTherapyNoted"])
def test_minutes_of_1_and_480_are_recorded_and_null_or_none_records_no_length(
    shared_api: Api, journey_id: str, event_type: str
) -> None:
    left_out = body(event_type, None)
    del left_out.data["minutes"]
    for sent in (body(event_type, 1), body(event_type, 480), body(event_type, None), left_out):
        answer = shared_api.post(journey_id, sent)
        assert answer.status_code == 201, answer.text

    recorded = [e["data"] for e in shared_api.history(journey_id)[-4:]]
    assert [d.get("minutes", "left out") for d in recorded] == [1, 480, None, "left out"]


def test_an_integration_records_1_and_480_minutes(shared_api: Api) -> None:
    journey_id = discharged_journey(shared_api, "MRN-MIN-INT")
    assert shared_api.post(journey_id, body("IntegrationCompleted", 1)).status_code == 201
    again = discharged_journey(shared_api, "MRN-MIN-INT2")
    assert shared_api.post(again, body("IntegrationCompleted", 480)).status_code == 201

    for journey, minutes in ((journey_id, 1), (again, 480)):
        assert shared_api.history(journey)[-1]["data"]["minutes"] == minutes


def correction(version: int, changes: dict[str, Any]) -> Step:
    data = {"corrects_version": version, "reason": "Keyed the length wrong.", "data": changes}
    return Step("EntryCorrected", LATER + timedelta(hours=1), data, "therapist")


def test_a_correction_of_minutes_is_held_to_the_same_bounds(
    shared_api: Api, journey_id: str
) -> None:
    assert shared_api.post(journey_id, body("PreparationCompleted", 52)).status_code == 201
    preparation = shared_api.version(journey_id)

    for refused, says in ((0, "greater than or equal to 1"), (481, "less than or equal to 480")):
        answer = shared_api.post(journey_id, correction(preparation, {"minutes": refused}))
        problem = assert_problem(answer, 422, "invalid_request")
        assert problem["detail"].startswith("data.data.minutes:"), problem
        assert says in problem["detail"]
        assert problem["errors"][0]["loc"] == ["body", "data", "data", "minutes"]
        assert shared_api.version(journey_id) == preparation

    for allowed in (1, 480):
        answer = shared_api.post(journey_id, correction(preparation, {"minutes": allowed}))
        assert answer.status_code == 201, answer.text
        assert shared_api.history(journey_id)[-1]["data"]["data"] == {"minutes": allowed}


def test_minutes_cannot_be_corrected_onto_an_entry_that_has_no_length(
    shared_api: Api, journey_id: str
) -> None:
    consent = next(
        e["version"] for e in shared_api.history(journey_id) if e["type"] == "ConsentSigned"
    )
    before = shared_api.version(journey_id)

    answer = shared_api.post(journey_id, correction(consent, {"minutes": 50}))

    problem = assert_problem(answer, 422, "invalid_request")
    assert problem["detail"].startswith("data.data.minutes:"), problem
    assert shared_api.version(journey_id) == before


def with_minutes(s: Step, minutes: int) -> Step:
    return replace(s, data={**s.data, "minutes": minutes})


def test_the_superbill_bills_the_minutes_recorded_and_as_corrected(api: Api) -> None:
    journey_id = api.journey("MRN-MIN-BILL", primary_clinician="prescriber-1")
    *before, preparation = intake(START)
    check, dose, therapy, *rest, integration = dosing_session(1, FIRST_DOSE)
    api.post_all(
        journey_id,
        [
            *before,
            with_minutes(preparation, 52),
            check,
            dose,
            with_minutes(therapy, 40),  # noted 20 min after the dose: by the time, 90832
            *rest,
            with_minutes(integration, 53),
        ],
    )
    set_up_billing(api)

    bill = superbill(api, journey_id).json()

    assert [(li["code"], li["minutes"], li["minutes_from"]) for li in bill["lines"]] == [
        ("90792", None, None),
        ("90834", 52, "record"),  # preparation
        ("99215", 55, "record"),  # the visit: 95 min from check to discharge, less 40
        ("90834", 40, "record"),  # guided therapy, noted by the therapist
        ("96372", None, None),
        ("90837", 53, "record"),  # integration
    ]
    version = len(api.history(journey_id))  # the integration, the last entry
    corrected = api.post(journey_id, correction(version, {"minutes": 52}))
    assert corrected.status_code == 201, corrected.text
    assert superbill(api, journey_id).json()["lines"][-1]["code"] == "90834"
