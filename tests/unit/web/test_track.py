"""The stage track: consultation to plan, with exactly one step where the journey stands."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

from domain.sessions_view import SessionSummary
from domain.status import JourneyStatus, NextStep
from interface.web.track import stage_track

AT = datetime(2026, 10, 1, 10, tzinfo=UTC)


def status(stage, sessions=()):
    return JourneyStatus(
        journey_id=uuid4(),
        clinic_id="clinic-a",
        patient_ref="MRN-1",
        episode=1,
        protocol_name="kap-standard",
        protocol_version="1",
        primary_clinician="dr-lee",
        stage=stage,
        session_state=None,
        flags=[],
        next_step=NextStep("none", ""),
        blockers=[],
        sessions=list(sessions),
        sessions_completed=0,
        outcomes={},
        version=1,
        opened_at=AT,
        last_event_at=AT,
    )


def session(n, *, discharged=True, cancelled=False):
    return SessionSummary(
        n,
        AT,
        AT,
        "im",
        35.0,
        AT if discharged else None,
        80 if discharged else None,
        AT if discharged else None,
        cancelled,
    )


def states(steps):
    return {s.key: s.state for s in steps}


def current(steps):
    return [s.key for s in steps if s.state == "current"]


def test_the_track_runs_from_consultation_through_the_series_to_the_plan():
    keys = [s.key for s in stage_track(status("opened"), 6)]
    assert keys == [
        "consultation",
        "screening",
        "consent",
        "preparation",
        *(f"session-{n}" for n in range(1, 7)),
        "plan",
    ]


def test_a_consented_journey_stands_at_preparation():
    steps = stage_track(status("consented"), 6)
    assert current(steps) == ["preparation"]
    assert states(steps)["consent"] == "done"
    assert states(steps)["session-1"] == "upcoming"


def test_in_treatment_the_open_session_is_current():
    steps = stage_track(status("in_treatment", [session(1), session(2, discharged=False)]), 6)
    assert current(steps) == ["session-2"]
    assert states(steps)["session-1"] == "done"


def test_after_the_series_the_plan_is_current():
    steps = stage_track(status("series_complete", [session(n) for n in range(1, 7)]), 6)
    assert current(steps) == ["plan"]


def test_maintenance_sessions_follow_the_plan():
    rows = [session(n) for n in range(1, 8)]
    done = {"consultation", "screening", "consent", "preparation", "plan"}
    steps = stage_track(status("maintenance", rows), 6, done)
    keys = [s.key for s in steps]
    assert keys.index("plan") < keys.index("session-7") < keys.index("session-8")
    assert current(steps) == ["session-8"]


def test_a_cancelled_session_shows_as_cancelled():
    steps = stage_track(status("in_treatment", [session(1, cancelled=True)]), 6)
    assert states(steps)["session-1"] == "cancelled"


def test_screened_ineligible_stops_the_track():
    steps = stage_track(status("ineligible"), 6)
    assert states(steps)["screening"] == "refused"
    assert current(steps) == []
    assert states(steps)["consent"] == "skipped"


def test_a_closed_journey_has_no_current_step():
    assert current(stage_track(status("closed", [session(1)]), 6)) == []


def test_the_facts_milestones_win_over_the_stage():
    steps = stage_track(replace(status("paused")), 6, {"consultation", "screening"})
    assert current(steps) == ["consent"]
    assert next(s for s in steps if s.key == "consent").note == "paused"
