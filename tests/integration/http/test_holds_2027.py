"""Suicide risk and contraindications under protocol 2027-1 (issue 10, items 15-19), over
HTTP on SQLite and PostgreSQL: hold tiers and every active hold in the status (J-12),
ideation, childbearing potential (J-02), the diastolic hold (J-06), an adverse event's
times (J-15) and C-12 in the auditor's report. Each refusal is a 409 naming its rule and
what would satisfy it, and the journey keeps its version."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.examples import VALID_EVENT_DATA, VITALS
from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, Step, dosing_session, intake, phq9, step

DOSE_AT = START + timedelta(days=10)
MIN = timedelta(minutes=1)
BEFORE = DOSE_AT - timedelta(hours=2)


def refused(api: Api, journey_id: str, s: Step, rule: str) -> dict[str, Any]:
    """The step is refused under ``rule`` and the journey keeps its version."""
    version = api.version(journey_id)
    problem = assert_problem(api.post(journey_id, s), 409, "protocol_violation")
    assert problem["rule"] == rule, problem
    assert api.version(journey_id) == version
    return problem


def cssrs(items: list[int], at: Any, **more: Any) -> Step:
    return step(
        "OutcomeMeasureRecorded", at, instrument="C-SSRS", items=items, timepoint="pre_dose", **more
    )


def review(at: Any, **more: Any) -> Step:
    return step("SafetyReviewCompleted", at, **more)


def status(api: Api, journey_id: str) -> dict[str, Any]:
    answer = api.status(journey_id)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_every_active_hold_is_a_blocker_and_the_next_step_names_them_all(api: Api) -> None:
    journey_id = api.journey()
    check, give = dosing_session(1, DOSE_AT)[:2]
    api.post_all(
        journey_id,
        [
            *intake(),
            cssrs([0, 0, 0, 1, 0, 0], BEFORE),
            phq9([1, 1, 1, 1, 1, 1, 1, 1, 1], BEFORE + 5 * MIN, "pre_dose"),
            check,
        ],
    )

    held = status(api, journey_id)
    problem = refused(api, journey_id, give, "J-12")

    texts = [b["text"] for b in held["blockers"] if b["rule"] == "J-12"]
    assert len(texts) == 2
    assert texts[0].startswith("High-risk safety hold (C-SSRS: suicidal intent")
    assert "safety_plan true" in texts[0]
    assert texts[1].startswith("Safety hold (PHQ-9 item 9")
    assert held["next_step"]["code"] == "safety_review"
    assert held["next_step"]["text"].startswith("A prescriber reviews the safety holds: C-SSRS")
    assert "PHQ-9 item 9 (thoughts of self-harm) answered 1" in held["next_step"]["text"]
    assert problem["detail"] == texts[0]
    assert [b["text"] for b in problem["blockers"] if b["rule"] == "J-12"] == texts[1:]

    api.post(journey_id, review(BEFORE + 10 * MIN, safety_plan=True))
    reviewed = status(api, journey_id)
    assert [b["rule"] for b in reviewed["blockers"]] == ["J-12"]
    assert "still needed: a C-SSRS" in reviewed["blockers"][0]["text"]
    assert reviewed["next_step"]["text"].startswith(
        "Record a C-SSRS with items 4 and 5 answered no"
    )

    assert api.post(journey_id, cssrs([1, 0, 0, 0, 0, 0], BEFORE + 20 * MIN)).status_code == 201
    cleared = status(api, journey_id)
    assert "safety_hold" not in cleared["flags"]
    assert api.post(journey_id, give).status_code == 201


def test_a_severe_adverse_event_holds_until_a_review_with_a_safety_plan(api: Api) -> None:
    journey_id = api.journey()
    check, give = dosing_session(1, DOSE_AT)[:2]
    event = step(
        "AdverseEventReported", BEFORE, session=None, kind="allergic_reaction", severity="severe"
    )
    api.post_all(journey_id, [*intake(), event, review(BEFORE + MIN), check])

    detail = refused(api, journey_id, give, "J-12")["detail"]
    api.post(journey_id, review(BEFORE + 5 * MIN, safety_plan=True))

    assert "severe adverse event (allergic_reaction)" in detail
    assert api.post(journey_id, give).status_code == 201


def test_reported_ideation_needs_a_cssrs_before_an_eligible_screening(api: Api) -> None:
    journey_id = api.journey()
    consultation, baseline, screening = intake()[:3]
    exam = {**VALID_EVENT_DATA["ConsultationCompleted"]["mental_status_exam"]}
    exam["suicidal_ideation"] = True
    consultation.data["mental_status_exam"] = exam
    api.post_all(journey_id, [consultation, baseline])

    problem = refused(api, journey_id, screening, "J-02")
    api.post(journey_id, cssrs([1, 1, 0, 0, 0, 0], screening.occurred_at - MIN))

    assert "OutcomeMeasureRecorded (C-SSRS)" in problem["detail"]
    assert api.post(journey_id, screening).status_code == 201


def test_childbearing_potential_needs_a_negative_pregnancy_test(api: Api) -> None:
    journey_id = api.journey()
    steps = intake()
    steps[2].data["childbearing_potential"] = True
    check, give = dosing_session(1, DOSE_AT)[:2]
    api.post_all(journey_id, [*steps, check])

    problem = refused(api, journey_id, give, "J-02")
    check.data["pregnancy_test"] = "negative"
    api.post_all(journey_id, [Step(check.type, DOSE_AT - 10 * MIN, check.data, check.role)])

    assert "pregnancy_test negative" in problem["detail"]
    assert api.post(journey_id, give).status_code == 201


def test_a_diastolic_above_110_is_held_and_110_takes_an_override(api: Api) -> None:
    journey_id = api.journey()
    held = dosing_session(1, DOSE_AT, vitals={**VITALS, "diastolic": 111})[0]
    check, give = dosing_session(1, DOSE_AT, vitals={**VITALS, "diastolic": 110})[:2]
    override = {
        "by": {"id": "prescriber-1", "role": "prescriber"},
        "reason": "Repeat reading settled; benefit outweighs the risk.",
    }
    overridden = Step(give.type, give.occurred_at, {**give.data, "override": override}, give.role)
    api.post_all(journey_id, [*intake(), Step(held.type, DOSE_AT - 30 * MIN, held.data, "nurse")])

    problem = refused(api, journey_id, overridden, "J-06")
    api.post_all(journey_id, [check])

    assert "DBP at most 110" in problem["detail"]
    assert refused(api, journey_id, give, "J-06")["detail"].endswith("with a reason.")
    assert api.post(journey_id, overridden).status_code == 201


def test_an_adverse_event_resolved_before_its_onset_is_refused_under_j15(api: Api) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, intake())
    onset = BEFORE - timedelta(hours=1)
    event = step(
        "AdverseEventReported",
        BEFORE,
        session=None,
        kind="hypotension",
        severity="mild",
        onset_at=onset.isoformat(),
        resolved_at=(onset - MIN).isoformat(),
    )

    problem = refused(api, journey_id, event, "J-15")
    event.data["resolved_at"] = onset.isoformat()

    assert "resolved_at" in problem["detail"]
    assert api.post(journey_id, event).status_code == 201


def test_a_serious_event_not_reported_to_the_rems_is_c12(api: Api) -> None:
    journey_id = api.journey(protocol="spravato-rems")
    during = DOSE_AT + timedelta(minutes=30)
    unreported = step("AdverseEventReported", during, session=1, kind="seizure", severity="serious")
    reported = step(
        "AdverseEventReported",
        during + MIN,
        session=1,
        kind="bradycardia",
        severity="serious",
        reported_to=["rems", "medwatch"],
    )
    session = dosing_session(1, DOSE_AT, protocol="spravato-rems")
    api.post_all(journey_id, [*intake(route="intranasal"), *session[:2], unreported, reported])
    position = int(api.client.get("/health").json()["store_position"])

    answer = api.client.get(
        "/v1/audit/compliance",
        params={"rule": "C-12", "after_position": position},
        headers=api.headers(api.tokens["auditor"]),
    )

    assert answer.status_code == 200, answer.text
    findings = answer.json()["findings"]
    assert [(f["rule"], f["journey_id"]) for f in findings] == [("C-12", journey_id)]
    assert "seizure" in findings[0]["detail"]
    assert answer.json()["counts"]["C-12"] == 1
