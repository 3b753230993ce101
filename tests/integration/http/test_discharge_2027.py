"""Observation and discharge under protocol 2027-1 (J-10) over HTTP, on SQLite and
PostgreSQL: what staff read while they watch, and what a discharge is refused for."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.examples import VITALS
from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, Step, dosing_session, intake, step

DOSE_AT = START + timedelta(days=10)
"""2026-10-11 09:00 UTC."""
MIN = timedelta(minutes=1)
OVERRIDE = {"by": {"id": "prescriber-1", "role": "prescriber"}, "reason": "Stable; transfer."}


def dosed(api: Api, protocol: str) -> str:
    """Intake, then session 1's pre-dose check and dose, and no in-session reading yet."""
    route = "intranasal" if protocol == "spravato-rems" else "im"
    journey_id = api.journey(protocol=protocol)
    api.post_all(
        journey_id, intake(route=route) + dosing_session(1, DOSE_AT, protocol=protocol)[:2]
    )
    return journey_id


def leaving(minutes: int, **changes: Any) -> Step:
    return step("PatientDischarged", DOSE_AT + minutes * MIN, session=1, **changes)


def reading(minutes: int) -> Step:
    return step("VitalsRecorded", DOSE_AT + minutes * MIN, session=1)


def status(api: Api, journey_id: str) -> dict[str, Any]:
    answer = api.status(journey_id)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def refused_under_j10(api: Api, journey_id: str, s: Step) -> str:
    """The step is refused under J-10 and the journey keeps its version."""
    version = api.version(journey_id)
    problem = assert_problem(api.post(journey_id, s), 409, "protocol_violation")
    assert problem["rule"] == "J-10"
    assert api.version(journey_id) == version
    return str(problem["detail"])


def test_a_spravato_session_asks_for_its_40_minute_reading_then_allows_no_early_discharge(
    api: Api,
) -> None:
    journey_id = dosed(api, "spravato-rems")
    watching = status(api, journey_id)

    missing = refused_under_j10(api, journey_id, leaving(130))
    api.post_all(journey_id, [reading(40)])
    monitored = status(api, journey_id)
    early = refused_under_j10(api, journey_id, leaving(119, override=OVERRIDE))

    assert watching["next_step"] == {
        "code": "record_vitals",
        "text": "Record the 40-minute reading of session 1 from 2026-10-11 09:30 UTC, "
        "within 20 minutes.",
    }
    assert [b["rule"] for b in watching["blockers"]] == ["J-08", "J-10", "J-10"]
    assert "from 2026-10-11 09:30 UTC, within 20 minutes" in missing
    assert monitored["next_step"] == {
        "code": "discharge",
        "text": "Discharge session 1 from 2026-10-11 11:00 UTC once sedation, dissociation and "
        "respiratory depression have resolved.",
    }
    assert "cannot be overridden" in early
    assert "not before 2026-10-11 11:00 UTC" in early


def test_a_spravato_discharge_needs_resolution_spo2_and_vitals_within_the_limits(api: Api) -> None:
    journey_id = dosed(api, "spravato-rems")
    api.post_all(journey_id, [reading(30)])

    unresolved = refused_under_j10(api, journey_id, leaving(120, dissociation_resolved=False))
    no_spo2 = refused_under_j10(api, journey_id, leaving(120, vitals={**VITALS, "spo2": None}))
    high = refused_under_j10(api, journey_id, leaving(120, vitals={**VITALS, "systolic": 161}))
    accepted = api.post(
        journey_id, leaving(120, vitals={**VITALS, "systolic": 161}, override=OVERRIDE)
    )

    assert "dissociation_resolved is false" in unresolved
    assert "add vitals.spo2" in no_spo2
    assert "systolic 161 above 160" in high
    assert accepted.status_code == 201, accepted.text
    assert status(api, journey_id)["flags"].count("override_used") == 1


def test_a_kap_session_needs_a_reading_and_a_prescriber_may_shorten_the_hour(api: Api) -> None:
    journey_id = dosed(api, "kap-standard")
    watching = status(api, journey_id)

    missing = refused_under_j10(api, journey_id, leaving(59, override=OVERRIDE))
    api.post_all(journey_id, [reading(20)])
    early = refused_under_j10(api, journey_id, leaving(59))
    accepted = api.post(journey_id, leaving(59, override=OVERRIDE))

    assert watching["next_step"]["code"] == "record_vitals"
    assert "Record a vitals reading of session 1" in missing
    assert "at least 60 min" in early
    assert accepted.status_code == 201, accepted.text
    assert status(api, journey_id)["stage"] == "in_treatment"
