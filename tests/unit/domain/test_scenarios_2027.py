"""A Spravato journey under protocol 2027-1, told as the clinic lives it: REMS enrollment,
eight sessions over four weeks with their 40-minute readings and monitoring forms, the
end-of-series PHQ-9, a prescriber's maintenance plan, and a maintenance dose the plan's
interval first holds back and then lets through."""

from __future__ import annotations

from datetime import timedelta

from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from tests.story import phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    dose,
    full_session,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    refused,
    series_offsets,
    status_of,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
MIN = timedelta(minutes=1)
PROFILE = SPRAVATO_REMS


def test_a_spravato_induction_then_a_maintenance_dose_on_the_plans_interval():
    # Given an enrolled patient with a reconciled medication list (the intake) ...
    steps = intake_for(PROFILE)
    assert {"RemsPatientEnrolled", "MedicationsReconciled"} <= {s.type for s in steps}
    journey = given_journey(PROFILE, steps)

    # ... eight sessions twice a week over four weeks, each with its 40-minute reading and
    # its monitoring form, and the PHQ-9 the schedule asks for after session 3.
    days = series_offsets(PROFILE, 8)
    assert days[-1] < 28 * DAY
    for n, offset in enumerate(days, start=1):
        at = FIRST_DOSE + offset
        session = full_session(PROFILE, n, at)
        assert [s.type for s in session][2] == "VitalsRecorded"
        assert session[2].occurred_at == at + 40 * MIN
        for s in session:
            post(journey, s)
        if n == 3:
            post(journey, phq9([2, 2, 2, 1, 1, 1, 1, 1, 0], at + 4 * HOUR, "follow_up"))
    last = FIRST_DOSE + days[-1]
    after_series = status_of(journey, last + 4 * HOUR)
    assert (after_series.stage, after_series.sessions_completed) == ("series_complete", 8)
    assert "rems_form_overdue" not in after_series.flags

    # When the end-of-series PHQ-9 is taken, the prescriber plans maintenance every 2 weeks.
    post(journey, phq9([1] * 8 + [0], last + DAY, "end_of_series"))
    post(
        journey,
        step("TreatmentPlanUpdated", last + DAY + HOUR, further_sessions=4, interval_weeks=2),
    )
    post(journey, step("MedicationsReconciled", last + 10 * DAY))
    assert status_of(journey, last + 10 * DAY).stage == "maintenance"

    # Then a maintenance dose a minute short of 2 weeks less the 2 days' tolerance is
    # refused, naming when it is possible ...
    earliest = last + 12 * DAY
    post(journey, pre_dose_check(9, earliest - MIN))
    violation = refused(journey, dose(PROFILE, 9, earliest - MIN))
    assert violation.rule == "J-07"
    assert earliest.strftime("%Y-%m-%d %H:%M UTC") in violation.detail
    assert "J-07" in {b.rule for b in status_of(journey, earliest - MIN).blockers}

    # ... and at that moment it is given.
    post(journey, pre_dose_check(9, earliest))
    post(journey, dose(PROFILE, 9, earliest))
    for s in full_session(PROFILE, 9, earliest)[2:]:
        post(journey, s)
    status = status_of(journey, earliest + 4 * HOUR)
    assert (status.stage, status.sessions_completed) == ("maintenance", 9)
    assert {s.route for s in status.sessions} == {"intranasal"}
    assert status.outcomes["PHQ-9"].change_pct is not None
    assert status.flags == []


def test_a_kap_series_with_a_booster_then_a_maintenance_plan():
    """KAP 2027-1: six IM sessions every three days, the second topped up with a booster
    (its observation counted from the booster), the scheduled PHQ-9s, a monthly plan, and
    a maintenance dose held to the plan's interval."""
    kap = KAP_STANDARD
    journey = given_journey(kap, intake_for(kap))
    days = series_offsets(kap, 6)
    for n, offset in enumerate(days, start=1):
        at = FIRST_DOSE + offset
        check, first, reading, out, integrated = full_session(kap, n, at)
        for s in (check, first, reading):
            post(journey, s)
        if n == 2:
            # Given a patient who barely dissociated, a booster 20 minutes in ...
            post(journey, dose(kap, 2, at + 20 * MIN, booster=True, dose_mg=15))
            # ... the discharge 75 minutes after the first dose comes too early: the hour
            # of observation counts from the booster.
            early = refused(journey, out)
            assert early.rule == "J-10"
            out = step("PatientDischarged", at + 20 * MIN + HOUR, session=2)
        post(journey, out)
        post(journey, integrated)
        if n == 3:
            post(journey, phq9([2, 2, 2, 1, 1, 1, 1, 1, 0], at + 4 * HOUR, "follow_up"))
    session_2 = journey.facts.session(2)
    assert session_2 is not None
    assert [b["dose_mg"] for b in session_2["boosters"]] == [15]

    last = FIRST_DOSE + days[-1]
    post(journey, phq9([1] * 8 + [0], last + DAY, "end_of_series"))
    post(
        journey,
        step("TreatmentPlanUpdated", last + DAY + HOUR, further_sessions=3, interval_weeks=4),
    )
    assert status_of(journey, last + 2 * DAY).stage == "maintenance"

    # A maintenance dose three weeks on is held (4 weeks less 2 days' tolerance) ...
    early = last + 21 * DAY
    post(journey, pre_dose_check(7, early))
    assert refused(journey, dose(kap, 7, early)).rule == "J-07"
    # ... and 26 days on it is given.
    due = last + 26 * DAY
    for s in full_session(kap, 7, due):
        post(journey, s)
    status = status_of(journey, due + DAY)
    assert (status.stage, status.sessions_completed) == ("maintenance", 7)
    assert status.outcomes["PHQ-9"].response == "yes"
