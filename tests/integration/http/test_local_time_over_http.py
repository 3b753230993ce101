"""A Denver clinic reads its journeys on its own wall clock over HTTP: the answers keep
their UTC instants, add ``time_zone`` and an ``X_local`` beside each, and every sentence
(refusals, blockers, next steps, findings) names moments in Denver's time, across the
November change. A clinic in UTC reads exactly as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.http.conftest import CLINIC, Api, assert_problem
from tests.story import START, Step, data, dosing_session, intake, phq9, step

DENVER = "America/Denver"
SATURDAY_10_MDT = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
SUNDAY_8_MST = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)
"""The morning after the clocks went back: 24 h after the dose is 09:00 MST, not 10:00."""
NEXT_DOSE_POSSIBLE = "the next dose is possible from Sun 2026-11-01 09:00 MST (UTC-07:00)"


def in_denver(api: Api) -> None:
    """The clinic's settings, as its admin records them (the HTTP routes are elsewhere)."""
    api.app.state.services.clinics.change_settings(CLINIC, {"time_zone": DENVER}, "test-setup")


def dosed_before_the_change(api: Api) -> str:
    journey = api.journey()
    api.post_all(journey, intake(START))
    api.post_all(journey, [phq9([2, 3, 2, 2, 2, 2, 2, 2, 0], SATURDAY_10_MDT - timedelta(days=1))])
    api.post_all(journey, dosing_session(1, SATURDAY_10_MDT, integrate=False))
    api.post_all(
        journey, [step("IntegrationCompleted", SATURDAY_10_MDT + timedelta(hours=4), session=1)]
    )
    return journey


def checked_for_a_second_dose(api: Api, journey: str) -> None:
    check = data("PreDoseCheckCompleted", session=2)
    check["last_food_at"] = (SUNDAY_8_MST - timedelta(hours=8)).isoformat()
    check["last_clear_liquid_at"] = (SUNDAY_8_MST - timedelta(hours=3)).isoformat()
    api.post_all(
        journey,
        [Step("PreDoseCheckCompleted", SUNDAY_8_MST - timedelta(minutes=20), check, "nurse")],
    )


def second_dose() -> Step:
    return step("KetamineAdministered", SUNDAY_8_MST, session=2, route="im", dose_mg=35)


def status(api: Api, journey: str) -> dict[str, Any]:
    answer = api.status(journey)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_refusal_names_the_next_dose_on_the_clinics_wall_clock(api: Api) -> None:
    in_denver(api)
    journey = dosed_before_the_change(api)
    checked_for_a_second_dose(api, journey)

    body = assert_problem(api.post(journey, second_dose()), 409, "protocol_violation")

    texts = [body["detail"], *(b["text"] for b in body.get("blockers") or [])]
    assert any(NEXT_DOSE_POSSIBLE in text for text in texts), texts
    assert not [text for text in texts if " UTC." in text or "UTC " in text.replace("(UTC", "")]


def test_the_status_keeps_utc_instants_and_adds_the_clinics_wall_clock(api: Api) -> None:
    in_denver(api)
    journey = dosed_before_the_change(api)
    checked_for_a_second_dose(api, journey)

    body = status(api, journey)

    assert body["time_zone"] == DENVER
    assert body["opened_at"] == "2026-10-01T09:00:00Z"
    assert body["opened_at_local"] == "2026-10-01T03:00:00-06:00"
    assert body["last_event_at"] == "2026-11-01T14:41:00Z"  # recorded a minute after
    assert body["last_event_at_local"] == "2026-11-01T07:41:00-07:00"
    first, second = body["sessions"]
    assert first["administered_at"] == "2026-10-31T16:00:00Z"
    assert first["administered_at_local"] == "2026-10-31T10:00:00-06:00"
    assert first["integrated_at_local"] == "2026-10-31T14:00:00-06:00"
    assert second["predose_checked_at_local"] == "2026-11-01T07:40:00-07:00"
    assert "administered_at_local" not in second  # no dose yet: no local sibling either
    (spacing,) = [b["text"] for b in body["blockers"] if NEXT_DOSE_POSSIBLE in b["text"]]
    assert spacing.startswith("At least 24 h must pass between doses")
    # The same moment as a field: 24 real hours after the dose, 09:00 on the wall clock.
    assert body["next_dose_possible_at"] == "2026-11-01T16:00:00Z"
    assert body["next_dose_possible_at_local"] == "2026-11-01T09:00:00-07:00"
    assert body["outcomes"]["PHQ-9"].get("judged_at_local") is None


def test_history_replay_and_caseload_add_the_wall_clock_too(api: Api) -> None:
    in_denver(api)
    journey = dosed_before_the_change(api)

    history = api.history_answer(journey).json()
    assert history["time_zone"] == DENVER
    assert history["events"][0]["occurred_at_local"] == "2026-10-01T03:00:00-06:00"
    assert history["events"][0]["recorded_at_local"].endswith("-06:00")

    replayed = api.client.get(
        f"/v1/journeys/{journey}/replay",
        params={"as_of": "2026-11-01T08:30:00Z"},  # 01:30 the second time, MST
        headers=api.headers(api.tokens["auditor"]),
    ).json()
    assert replayed["time_zone"] == DENVER
    assert replayed["as_of_local"] == "2026-11-01T01:30:00-07:00"
    assert replayed["evaluated_at_local"] == "2026-11-01T01:30:00-07:00"
    assert replayed["status"]["time_zone"] == DENVER
    assert replayed["status"]["sessions"][0]["discharged_at_local"].endswith("-06:00")

    caseload = api.client.get(
        "/v1/journeys",
        params={"after_position": 40},
        headers=api.headers(api.tokens["staff"]),
    ).json()
    assert caseload["time_zone"] == DENVER
    (row,) = caseload["journeys"]
    assert row["last_event_at"] == "2026-10-31T20:01:00Z"
    assert row["last_event_at_local"] == "2026-10-31T14:01:00-06:00"


def test_a_clinic_in_utc_reads_exactly_as_before(api: Api) -> None:
    journey = dosed_before_the_change(api)
    checked_for_a_second_dose(api, journey)

    body = status(api, journey)
    refusal = assert_problem(api.post(journey, second_dose()), 409, "protocol_violation")

    assert "time_zone" not in body
    assert not [key for key in body if key.endswith("_local")]
    assert not [key for s in body["sessions"] for key in s if key.endswith("_local")]
    texts = [refusal["detail"], *(b["text"] for b in refusal.get("blockers") or [])]
    assert any("the next dose is possible from 2026-11-01 16:00 UTC" in t for t in texts), texts
    assert "time_zone" not in api.history_answer(journey).json()


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC"])
def test_a_clinic_set_to_utc_by_name_reads_as_before_too(api: Api, zone: str) -> None:
    api.app.state.services.clinics.change_settings(CLINIC, {"time_zone": zone}, "test-setup")
    journey = api.journey()

    body = status(api, journey)

    assert "time_zone" not in body
    assert "opened_at_local" not in body


def test_a_change_of_zone_is_read_at_once_even_from_stored_rows(api: Api) -> None:
    journey = dosed_before_the_change(api)
    headers = api.headers(api.tokens["staff"])
    before = api.client.get("/v1/journeys", params={"after_position": 40}, headers=headers)
    assert "time_zone" not in before.json()

    in_denver(api)
    after = api.client.get("/v1/journeys", headers=headers).json()

    assert after["time_zone"] == DENVER
    assert after["journeys"][0]["last_event_at_local"] == "2026-10-31T14:01:00-06:00"
    assert status(api, journey)["time_zone"] == DENVER


def test_the_compliance_report_reads_its_findings_on_the_clinics_wall_clock(api: Api) -> None:
    in_denver(api)
    journey = dosed_before_the_change(api)
    late = step("GuidedTherapyNoted", SATURDAY_10_MDT + timedelta(minutes=30), session=1)
    api.clock.now = SATURDAY_10_MDT + timedelta(days=2)  # recorded two days after it happened
    api.post_all(journey, [late])

    body = api.client.get(
        "/v1/audit/compliance",
        params={"after_position": 41},
        headers=api.headers(api.tokens["auditor"]),
    ).json()

    assert body["time_zone"] == DENVER
    assert body["as_of_local"].endswith("-07:00")
    (finding,) = [f for f in body["findings"] if f["rule"] == "C-08"]
    assert finding["at"] == "2026-10-31T16:30:00Z"
    assert finding["at_local"] == "2026-10-31T10:30:00-06:00"
    assert "Sat 2026-10-31 10:30 MDT (UTC-06:00)" in finding["detail"]
    assert "Mon 2026-11-02 09:00 MST (UTC-07:00)" in finding["detail"]
    assert " UTC " not in finding["detail"].replace("(UTC", "")


def test_the_access_log_adds_each_reads_wall_clock(api: Api) -> None:
    in_denver(api)
    journey = api.journey()
    api.clock.now = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 01:30, the second time
    api.status(journey)

    body = api.client.get("/v1/audit/access-log", headers=api.headers(api.tokens["auditor"]))

    assert body.json()["time_zone"] == DENVER
    read = next(e for e in body.json()["entries"] if e["action"] == "status")
    assert read["at"] == "2026-11-01T08:30:00Z"
    assert read["at_local"] == "2026-11-01T01:30:00-07:00"


def test_the_rems_form_adds_the_wall_clock_to_each_of_its_moments(api: Api) -> None:
    in_denver(api)
    journey = api.journey(protocol="spravato-rems")
    api.post_all(journey, intake(START, route="intranasal"))
    dose_at = datetime(2026, 10, 6, 16, 0, tzinfo=UTC)
    api.post_all(journey, dosing_session(1, dose_at, protocol="spravato-rems", integrate=False))

    form = api.client.get(
        f"/v1/journeys/{journey}/sessions/1/rems-form", headers=api.headers(api.tokens["staff"])
    ).json()

    assert form["time_zone"] == DENVER
    assert form["administered_at_local"] == "2026-10-06T10:00:00-06:00"
    assert form["blood_pressure_before"]["at_local"] == "2026-10-06T09:40:00-06:00"
    assert form["blood_pressure_at_40_minutes"]["at_local"] == "2026-10-06T10:40:00-06:00"
    assert form["due_at_local"] == "2026-10-13T10:00:00-06:00"
    assert form["submitted_at_local"] == "2026-10-07T10:00:00-06:00"


def test_the_openapi_schema_describes_the_local_renderings(api: Api) -> None:
    schemas = api.client.get("/openapi.json").json()["components"]["schemas"]

    journey = schemas["JourneyPublic"]["properties"]
    assert "IANA" in journey["time_zone"]["description"]
    assert "`opened_at` on the clinic's wall clock" in journey["opened_at_local"]["description"]
    assert "administered_at_local" in schemas["SessionPublic"]["properties"]
    assert "last_event_at_local" in schemas["CaseloadJourneyPublic"]["properties"]
    assert "due_at_local" in schemas["ComplianceFindingPublic"]["properties"]
