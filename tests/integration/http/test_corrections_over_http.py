"""EntryCorrected over HTTP: the status follows the correction, the history keeps the original."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, Step, dosing_session, intake

BASELINE_VERSION = 3
"""Open (1), consultation (2), baseline PHQ-9 (3)."""


@pytest.fixture
def journey_id(api: Api) -> str:
    journey_id = api.journey()
    api.post_all(journey_id, intake()[:2])
    return journey_id


def correction(
    corrects_version: int, changes: dict[str, Any], at: datetime = START + timedelta(hours=5)
) -> Step:
    data = {"corrects_version": corrects_version, "reason": "Keyed wrong.", "data": changes}
    return Step("EntryCorrected", at, data, "therapist")


def test_correcting_a_phq9_changes_the_outcome_and_keeps_the_original(
    api: Api, journey_id: str
) -> None:
    before = api.status(journey_id).json()["outcomes"]["PHQ-9"]
    items = [3, 3, 3, 3, 3, 3, 3, 3, 0]

    answer = api.post(journey_id, correction(BASELINE_VERSION, {"items": items}))

    assert answer.status_code == 201, answer.text
    after = api.status(journey_id).json()["outcomes"]["PHQ-9"]
    assert (before["baseline"], before["band"]) == (17, "moderately_severe")
    assert (after["baseline"], after["band"]) == (24, "severe")
    history = api.history(journey_id)
    assert history[BASELINE_VERSION - 1]["data"]["items"] == intake()[1].data["items"]
    assert history[-1]["type"] == "EntryCorrected"
    assert history[-1]["data"]["corrects_version"] == BASELINE_VERSION
    assert history[-1]["data"]["data"] == {"items": items}


def test_a_second_correction_applies_to_the_corrected_entry(api: Api, journey_id: str) -> None:
    api.post_all(
        journey_id,
        [
            correction(BASELINE_VERSION, {"items": [3, 3, 3, 3, 3, 3, 3, 3, 0]}),
            correction(BASELINE_VERSION, {"timepoint": "baseline"}, START + timedelta(hours=6)),
        ],
    )

    assert api.status(journey_id).json()["outcomes"]["PHQ-9"]["baseline"] == 24


@pytest.mark.parametrize(
    "changes",
    [
        {"items": ["a"] * 9},
        {"items": [1, 1, 1, 1, 1, 1, 1, 1, None]},
        {"items": "twenty"},
        {"timepoint": "later"},
        {"itemz": [1] * 9},
    ],
)
def test_a_correction_whose_merged_data_is_invalid_is_422(
    api: Api, journey_id: str, changes: dict[str, Any]
) -> None:
    answer = api.post(journey_id, correction(BASELINE_VERSION, changes))

    assert_problem(answer, 422, "invalid_request")
    assert api.version(journey_id) == 3


def test_a_correction_breaking_a_scale_rule_is_409_j14(api: Api, journey_id: str) -> None:
    answer = api.post(journey_id, correction(BASELINE_VERSION, {"items": [1] * 8}))

    assert assert_problem(answer, 409, "protocol_violation")["rule"] == "J-14"
    assert api.version(journey_id) == 3


@pytest.mark.parametrize("version", [99, 4])
def test_correcting_a_version_that_does_not_exist_is_422(
    api: Api, journey_id: str, version: int
) -> None:
    answer = api.post(journey_id, correction(version, {"items": [0] * 9}))

    assert_problem(answer, 422, "entry_not_found")
    assert api.version(journey_id) == 3


@pytest.mark.parametrize(
    ("version", "changes"),
    [(1, {"patient_ref": "MRN-9999"}), (BASELINE_VERSION, {"instrument": "GAD-7"})],
)
def test_what_identifies_an_entry_cannot_be_corrected(
    api: Api, journey_id: str, version: int, changes: dict[str, Any]
) -> None:
    answer = api.post(journey_id, correction(version, changes))

    assert answer.status_code in (409, 422), answer.text
    assert_problem(answer, answer.status_code)
    assert api.version(journey_id) == 3


def test_another_clinic_cannot_correct_an_entry(api: Api, journey_id: str) -> None:
    answer = api.post(
        journey_id,
        correction(BASELINE_VERSION, {"items": [0] * 9}),
        token=api.other_clinic["clinic_system"],
    )

    assert_problem(answer, 404)
    assert api.version(journey_id) == 3


@pytest.mark.parametrize("last_food_at", [1791680400, "2026-10-11t01:00:00z"])
def test_a_corrected_time_in_a_form_the_model_accepts_is_recorded_or_refused_as_422(
    api: Api, journey_id: str, last_food_at: object
) -> None:
    check = dosing_session(1, START + timedelta(days=10))[0]
    api.post_all(journey_id, [*intake()[2:], check])
    fix = correction(7, {"last_food_at": last_food_at}, check.occurred_at + timedelta(minutes=1))

    answer = api.post(journey_id, fix)

    assert answer.status_code in (201, 422), answer.text
