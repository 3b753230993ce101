"""Flag details, measurement-based care and outcomes over HTTP (issue 10, items 22-24),
on SQLite and PostgreSQL: what staff read in ``GET /v1/journeys/{id}``, and C-13 in the
compliance report."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.integration.http.conftest import Api
from tests.story import START, dosing_session, intake, phq9, session_days, step

FIRST_DOSE = START + timedelta(days=5)
DOSES = session_days(FIRST_DOSE, 3)
THIRD_OUT = DOSES[2] + timedelta(minutes=75)
"""When session 3 is discharged: the PHQ-9 after session 3 falls due."""
PHQ9_8 = [1, 1, 1, 1, 1, 1, 1, 1, 0]


def through_session_3(api: Api) -> str:
    """A KAP journey: intake, then three sessions, each discharged and integrated."""
    journey_id = api.journey()
    steps = intake()
    for n, at in enumerate(DOSES, start=1):
        steps += dosing_session(n, at)
    api.post_all(journey_id, steps)
    return journey_id


def status(api: Api, journey_id: str) -> dict[str, Any]:
    answer = api.status(journey_id)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert list(body["flag_details"]) == body["flags"], "the keys are exactly the flags"
    return body


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_measure_due_is_the_next_step_and_a_flag_with_its_details(api: Api) -> None:
    journey_id = through_session_3(api)

    body = status(api, journey_id)

    assert body["flags"] == ["measure_due"]
    [detail] = body["flag_details"]["measure_due"]
    assert detail["text"] == (
        "The PHQ-9 after session 3 is due since 2026-10-12 10:15 UTC: record it as follow_up."
    )
    assert (moment(detail["at"]), detail["session"]) == (THIRD_OUT, 3)
    assert body["next_step"] == {
        "code": "record_measure",
        "text": "Record the PHQ-9 after session 3 (timepoint follow_up).",
    }

    api.post_all(journey_id, [phq9(PHQ9_8, THIRD_OUT + timedelta(days=2), "follow_up")])

    after = status(api, journey_id)
    assert (after["flags"], after["flag_details"]) == ([], {})
    assert after["next_step"]["code"] == "pre_dose_check"


def test_an_adverse_event_carries_its_kind_severity_session_and_time(api: Api) -> None:
    journey_id = through_session_3(api)
    onset = DOSES[2] + timedelta(minutes=20)
    api.post_all(
        journey_id,
        [
            step(
                "AdverseEventReported",
                DOSES[2] + timedelta(minutes=30),
                session=3,
                severity="moderate",
                onset_at=onset.isoformat(),
            )
        ],
    )

    body = status(api, journey_id)

    assert body["flags"] == ["adverse_event", "measure_due"]
    [detail] = body["flag_details"]["adverse_event"]
    assert detail["text"] == "Moderate nausea in session 3, 2026-10-12 09:20 UTC."
    assert (moment(detail["at"]), detail["session"]) == (onset, 3)


def test_outcomes_are_judged_only_from_a_follow_up_score(api: Api) -> None:
    journey_id = through_session_3(api)
    api.post_all(journey_id, [phq9(PHQ9_8, THIRD_OUT + timedelta(hours=20), "post_session")])

    day_after = status(api, journey_id)["outcomes"]["PHQ-9"]
    assert (day_after["baseline"], day_after["latest"]) == (17, 8)
    assert (day_after["response"], day_after["remission"], day_after["judged_score"]) == (
        None,
        None,
        None,
    )

    api.post_all(journey_id, [phq9(PHQ9_8, THIRD_OUT + timedelta(days=7), "follow_up")])

    judged = status(api, journey_id)["outcomes"]["PHQ-9"]
    assert (judged["response"], judged["remission"], judged["judged_score"]) == ("yes", "no", 8)


def test_a_phq9_never_taken_after_session_3_is_c13_once_14_days_have_passed(api: Api) -> None:
    journey_id = through_session_3(api)
    due = THIRD_OUT + timedelta(days=14)
    position = int(api.client.get("/health").json()["store_position"])

    def c13_at(now: datetime) -> list[dict[str, Any]]:
        api.clock.now = now
        answer = api.client.get(
            "/v1/audit/compliance",
            params={"journey": journey_id, "rule": "C-13", "after_position": position},
            headers=api.headers(api.tokens["auditor"]),
        )
        assert answer.status_code == 200, answer.text
        findings: list[dict[str, Any]] = answer.json()["findings"]
        return findings

    assert c13_at(due) == []
    [finding] = c13_at(due + timedelta(minutes=1))
    assert (finding["rule"], finding["occurrence"]) == ("C-13", "phq-9/after-session-3")
    assert moment(finding["due_at"]) == due
