"""Diagnoses on the consultation over HTTP: normalised as stored, shown in the status with
the ``unverified_code`` flag, refused with a 422 naming the field, replaced by a correction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, Step, step

CONSULTED = START + timedelta(hours=1)
CONSULTATION_VERSION = 2
"""Open (1), consultation (2)."""


def consultation(diagnoses: Any) -> Step:
    return step("ConsultationCompleted", CONSULTED, diagnoses=diagnoses)


def correction(changes: dict[str, Any]) -> Step:
    data = {"corrects_version": CONSULTATION_VERSION, "reason": "Coded again.", "data": changes}
    return Step("EntryCorrected", START + timedelta(hours=3), data, "prescriber")


def test_diagnoses_are_stored_normalised_and_shown_in_the_status(api: Api) -> None:
    journey_id = api.journey()

    answer = api.post(
        journey_id,
        consultation(
            [{"code": "f331", "description": "Recurrent MDD, moderate"}, {"code": "F41.1"}]
        ),
    )

    assert answer.status_code == 201, answer.text
    assert api.history(journey_id)[1]["data"]["diagnoses"] == [
        {"code": "F33.1", "description": "Recurrent MDD, moderate"},
        {"code": "F41.1"},
    ]
    status = api.status(journey_id).json()
    assert status["diagnoses"] == [
        {
            "code": "F33.1",
            "description": "Recurrent MDD, moderate",
            "verified": True,
            "title": "Major depressive disorder, recurrent, moderate",
        },
        {
            "code": "F41.1",
            "description": None,
            "verified": True,
            "title": "Generalized anxiety disorder",
        },
    ]
    assert "unverified_code" not in status["flags"]


def test_a_code_outside_the_table_is_kept_and_flagged(api: Api) -> None:
    journey_id = api.journey()

    api.post_all(journey_id, [consultation([{"code": "F33.1"}, {"code": "z6379"}])])

    status = api.status(journey_id).json()
    assert status["diagnoses"][1] == {
        "code": "Z63.79",
        "description": None,
        "verified": False,
        "title": None,
    }
    assert "unverified_code" in status["flags"]
    [detail] = status["flag_details"]["unverified_code"]
    assert "Z63.79" in detail["text"]


def test_a_consultation_without_diagnoses_shows_none(api: Api) -> None:
    journey_id = api.journey()

    api.post_all(journey_id, [step("ConsultationCompleted", CONSULTED)])

    assert api.status(journey_id).json()["diagnoses"] == []
    assert "diagnoses" not in api.history(journey_id)[1]["data"]  # left out stays out


@pytest.mark.parametrize(
    ("diagnoses", "where", "says"),
    [
        ([{"code": "F33.1"}, {"code": "F3"}], "data.diagnoses.1.code", "is not an ICD-10-CM code"),
        ([{"code": "F33.123456"}], "data.diagnoses.0.code", "1 to 4 letters or digits"),
        ([{"code": "F33.4"}], "data.diagnoses.0.code", "F33.40, F33.41 and F33.42"),
        ([{"code": "F33"}], "data.diagnoses.0.code", "needs more characters"),
        ([{"code": "F43.1"}], "data.diagnoses.0.code", "F43.10, F43.11 and F43.12"),
        ([{"code": "F33.1"}, {"code": "f331"}], "data.diagnoses", "diagnoses[1].code F33.1"),
        ([{"code": "F33.1", "severity": "high"}], "data.diagnoses.0.severity", "Extra inputs"),
        ([{"description": "no code"}], "data.diagnoses.0.code", "Field required"),
        ([{"code": ""}], "data.diagnoses.0.code", "at least 1 character"),
        ([{"code": 331}], "data.diagnoses.0.code", ""),
        ("F33.1", "data.diagnoses", ""),
    ],
)
def test_a_malformed_diagnosis_is_refused_naming_the_field(
    api: Api, diagnoses: Any, where: str, says: str
) -> None:
    journey_id = api.journey()

    answer = api.post(journey_id, consultation(diagnoses))

    body = assert_problem(answer, 422, "invalid_request")
    assert body["detail"].startswith(f"ConsultationCompleted.{where}:"), body["detail"]
    assert says in body["detail"]
    path = [int(p) if p.isdigit() else p for p in where.split(".")]
    assert body["errors"][0]["loc"] == ["body", "ConsultationCompleted", *path]
    assert api.version(journey_id) == 1  # nothing stored


def test_twelve_diagnoses_are_accepted_and_thirteen_refused(api: Api) -> None:
    codes = [f"Z{n:02d}.0" for n in range(13)]
    refused, accepted = api.journey("MRN-0013"), api.journey("MRN-0012")

    too_many = api.post(refused, consultation([{"code": c} for c in codes]))
    enough = api.post(accepted, consultation([{"code": c} for c in codes[:12]]))

    body = assert_problem(too_many, 422, "invalid_request")
    assert body["detail"].startswith("ConsultationCompleted.data.diagnoses:")
    assert "at most 12" in body["detail"]
    assert enough.status_code == 201, enough.text
    assert len(api.status(accepted).json()["diagnoses"]) == 12


def test_a_null_list_is_no_diagnoses(api: Api) -> None:
    journey_id = api.journey()

    api.post_all(journey_id, [consultation(None)])

    assert api.status(journey_id).json()["diagnoses"] == []


def test_a_correction_replaces_the_diagnoses_and_keeps_the_original(api: Api) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, [consultation([{"code": "F33.1"}, {"code": "Z63.79"}])])

    answer = api.post(journey_id, correction({"diagnoses": [{"code": "f4312"}]}))

    assert answer.status_code == 201, answer.text
    status = api.status(journey_id).json()
    assert [d["code"] for d in status["diagnoses"]] == ["F43.12"]
    assert "unverified_code" not in status["flags"]
    history = api.history(journey_id)
    assert [d["code"] for d in history[1]["data"]["diagnoses"]] == ["F33.1", "Z63.79"]
    assert history[-1]["data"]["data"] == {"diagnoses": [{"code": "F43.12"}]}  # normalised


def test_a_correction_with_a_malformed_code_is_refused(api: Api) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, [consultation([{"code": "F33.1"}])])

    answer = api.post(journey_id, correction({"diagnoses": [{"code": "F33.1"}, {"code": "F3"}]}))

    body = assert_problem(answer, 422, "invalid_request")
    assert body["detail"].startswith("data.data.diagnoses.1.code:"), body["detail"]
    assert [d["code"] for d in api.status(journey_id).json()["diagnoses"]] == ["F33.1"]
