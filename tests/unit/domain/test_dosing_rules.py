"""J-04 to J-09 as they apply to a dose, under both protocol profiles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS, SPRAVATO_REMS_2026
from tests.examples import VITALS
from tests.story import START, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    dose,
    full_session,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    ready_to_dose,
    refused,
    series,
    status_of,
)

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MIN = timedelta(minutes=1)
PRESCRIBER_OVERRIDE = {
    "by": {"id": "dr-lee", "role": "prescriber"},
    "reason": "BP rechecked twice; benefit outweighs the risk today.",
}


def vitals(**changes: int) -> dict[str, int]:
    return {**VITALS, **changes}


# J-04: the pathway and the pre-dose check


def test_a_ready_patient_is_dosed(profile):
    journey = ready_to_dose(profile)

    post(journey, dose(profile, 1, FIRST_DOSE))

    status = status_of(journey, FIRST_DOSE)
    assert (status.stage, status.session_state, status.next_step.code) == (
        "in_treatment",
        "dosed",
        "record_vitals",  # 2027-1: the in-session reading comes before discharge
    )
    assert journey.facts.session(1)["dose"]["at"] == FIRST_DOSE


def _without(profile, *types: str):
    """The intake with some of its steps left out."""
    return [s for s in intake_for(profile) if s.type not in types]


PATHWAY_GAPS = {
    "no screening": (
        lambda p: _without(p, "ScreeningCompleted", "ConsentSigned", "PreparationCompleted"),
        "No eligible screening",
    ),
    "consent withdrawn": (
        lambda p: [*intake_for(p), step("ConsentWithdrawn", START + 4 * DAY + HOUR)],
        "No active consent",
    ),
    "no preparation": (lambda p: _without(p, "PreparationCompleted"), "Preparation not done"),
    "no baseline": (lambda p: _without(p, "OutcomeMeasureRecorded"), "No baseline PHQ-9"),
}


@pytest.mark.parametrize("gap", sorted(PATHWAY_GAPS))
def test_a_dose_with_a_gap_in_the_pathway_is_refused_under_j04(profile, gap):
    steps, expected = PATHWAY_GAPS[gap]
    journey = given_journey(profile, [*steps(profile), pre_dose_check(1, FIRST_DOSE)])

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-04"
    assert expected in violation.detail


def test_a_refused_dose_names_every_other_reason_too(profile):
    journey = given_journey(profile, [step("ConsultationCompleted", START + HOUR)])

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    named = [violation.detail, *(b.text for b in violation.also)]
    for expected in ("screening", "consent", "Preparation", "baseline PHQ-9", "pre-dose check"):
        assert any(expected in text for text in named), expected
    # Spravato 2027-1 also needs the REMS enrollment (J-16) and a medication list (J-07).
    rems = {"J-16", "J-07"} if profile.rems_enrollment_required else set()
    assert {b.rule for b in violation.also} == {"J-04", *rems}


def test_a_baseline_older_than_30_days_at_the_first_dose_is_refused_under_j04(profile):
    late = START + 31 * DAY
    journey = given_journey(profile, [*intake_for(profile), pre_dose_check(1, late)])

    violation = refused(journey, dose(profile, 1, late))

    assert violation.rule == "J-04"
    assert "30 days" in violation.detail
    assert status_of(journey, late).next_step.code == "record_baseline"


def test_a_fresh_baseline_lets_a_late_first_dose_through(profile):
    late = START + 31 * DAY
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            step("OutcomeMeasureRecorded", late - 2 * HOUR, timepoint="baseline"),
            pre_dose_check(1, late),
        ],
    )

    post(journey, dose(profile, 1, late))

    assert len(journey.facts.doses()) == 1


def test_a_dose_without_a_pre_dose_check_is_refused_under_j04(profile):
    journey = given_journey(profile, intake_for(profile))

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-04"
    assert "No pre-dose check for session 1" in violation.detail


def test_a_dose_after_the_pre_dose_check_expired_is_refused_under_j04(profile):
    journey = given_journey(
        profile,
        [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, checked_at=FIRST_DOSE - 61 * MIN)],
    )

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-04"
    assert "expired" in violation.detail
    assert "60 min" in violation.detail


def test_a_dose_60_minutes_after_the_pre_dose_check_is_accepted(profile):
    journey = given_journey(
        profile,
        [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, checked_at=FIRST_DOSE - 60 * MIN)],
    )

    post(journey, dose(profile, 1, FIRST_DOSE))

    assert len(journey.facts.doses()) == 1


PRE_DOSE_FINDINGS = {
    "alcohol or drugs": ({"alcohol_or_drugs_last_24h": True}, "J-04", "Alcohol or drugs"),
    "no transport": (
        {"transport": {"arranged": False, "escort_name": None, "mode": None}},
        "J-04",
        "transport",
    ),
    "positive pregnancy test": ({"pregnancy_test": "positive"}, "J-02", "pregnancy"),
}


@pytest.mark.parametrize("finding", sorted(PRE_DOSE_FINDINGS))
def test_a_dose_after_a_failed_pre_dose_check_is_refused(profile, finding):
    changes, rule, expected = PRE_DOSE_FINDINGS[finding]
    journey = given_journey(
        profile, [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, **changes)]
    )

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == rule
    assert expected in violation.detail


# (profile, food fasted, clear liquids fasted, refused because of)
FASTING = [
    (KAP_STANDARD, 6 * HOUR - MIN, 3 * HOUR, "food"),
    (KAP_STANDARD, 6 * HOUR, 3 * HOUR, None),
    (KAP_STANDARD, 8 * HOUR, 2 * HOUR - MIN, "clear liquids"),
    (KAP_STANDARD, 8 * HOUR, 2 * HOUR, None),
    (KAP_STANDARD, 2 * HOUR, 3 * HOUR, "food"),
    (KAP_STANDARD, 8 * HOUR, 30 * MIN, "clear liquids"),
    (SPRAVATO_REMS, 2 * HOUR - MIN, 3 * HOUR, "food"),
    (SPRAVATO_REMS, 2 * HOUR, 3 * HOUR, None),
    (SPRAVATO_REMS, 8 * HOUR, 30 * MIN - MIN, "clear liquids"),
    (SPRAVATO_REMS, 2 * HOUR, 30 * MIN, None),
]


@pytest.mark.parametrize(("profile", "food", "liquid", "failing"), FASTING)
def test_fasting_is_measured_against_the_protocols_hours_under_j04(profile, food, liquid, failing):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            pre_dose_check(1, FIRST_DOSE, food_before=food, liquid_before=liquid),
        ],
    )

    if failing is None:
        post(journey, dose(profile, 1, FIRST_DOSE))
        assert len(journey.facts.doses()) == 1
    else:
        violation = refused(journey, dose(profile, 1, FIRST_DOSE))
        assert violation.rule == "J-04"
        assert f"Fasting from {failing} not met" in violation.detail


def test_a_dose_timed_before_its_pre_dose_check_is_refused_under_j04(profile):
    journey = given_journey(
        profile, [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, checked_at=FIRST_DOSE)]
    )

    violation = refused(journey, dose(profile, 1, FIRST_DOSE - 30 * MIN))

    assert violation.rule == "J-04"
    assert "before the pre-dose check" in violation.detail


# J-05: staff present


STAFF = [
    (KAP_STANDARD, {"therapist_present": None, "prescriber_on_site": "dr-lee"}, "therapist"),
    (KAP_STANDARD, {"therapist_present": ""}, "therapist"),
    (SPRAVATO_REMS, {"therapist_present": "ther-ana", "prescriber_on_site": None}, "prescriber"),
]


@pytest.mark.parametrize(("profile", "staff", "missing"), STAFF)
def test_a_dose_without_the_required_staff_is_refused_under_j05(profile, staff, missing):
    journey = ready_to_dose(profile)

    violation = refused(journey, dose(profile, 1, FIRST_DOSE, **staff))

    assert violation.rule == "J-05"
    assert missing in violation.detail


def test_a_dose_with_the_required_staff_is_accepted(profile):
    journey = ready_to_dose(profile)

    post(journey, dose(profile, 1, FIRST_DOSE))

    staff = journey.facts.session(1)["dose"]
    assert staff["prescriber_on_site"] or staff["therapist_present"]


# J-06: pre-dose vitals and overrides

HARD_HOLDS = {
    "systolic 181": vitals(systolic=181),
    "systolic 89": vitals(systolic=89, diastolic=60),
    "heart rate 151": vitals(heart_rate=151),
    "heart rate 49": vitals(heart_rate=49),
}
OVERRIDE_LEVELS = {
    "systolic 141": vitals(systolic=141),
    "diastolic 91": vitals(diastolic=91),
    "systolic 180": vitals(systolic=180),
}


def _checked_with(profile, vitals_: dict[str, int]):
    return given_journey(
        profile, [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, vitals=vitals_)]
    )


@pytest.mark.parametrize("held", sorted(HARD_HOLDS))
def test_vitals_beyond_the_hold_limits_refuse_the_dose_even_with_an_override_under_j06(
    profile, held
):
    journey = _checked_with(profile, HARD_HOLDS[held])

    without = refused(journey, dose(profile, 1, FIRST_DOSE))
    overridden = refused(journey, dose(profile, 1, FIRST_DOSE, override=PRESCRIBER_OVERRIDE))

    for violation in (without, overridden):
        assert violation.rule == "J-06"
        assert "no override" in violation.detail


@pytest.mark.parametrize("level", sorted(OVERRIDE_LEVELS))
def test_vitals_beyond_the_override_level_refuse_a_dose_without_an_override_under_j06(
    profile, level
):
    journey = _checked_with(profile, OVERRIDE_LEVELS[level])

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-06"
    assert "needs an override by a prescriber" in violation.detail


@pytest.mark.parametrize("level", sorted(OVERRIDE_LEVELS))
def test_a_prescribers_override_with_a_reason_lets_the_dose_through(profile, level):
    journey = _checked_with(profile, OVERRIDE_LEVELS[level])

    post(journey, dose(profile, 1, FIRST_DOSE, override=PRESCRIBER_OVERRIDE))

    assert journey.facts.overrides[0]["by"] == "dr-lee (prescriber)"
    assert "override_used" in status_of(journey, FIRST_DOSE).flags


BAD_OVERRIDES = {
    "by a nurse": {"by": {"id": "nurse-kim", "role": "nurse"}, "reason": "Looks fine."},
    "by a therapist": {"by": {"id": "ther-ana", "role": "therapist"}, "reason": "Calm."},
    "without a reason": {"by": {"id": "dr-lee", "role": "prescriber"}, "reason": "  "},
}


@pytest.mark.parametrize("bad", sorted(BAD_OVERRIDES))
def test_an_override_not_by_a_prescriber_with_a_reason_is_refused_under_j06(profile, bad):
    journey = _checked_with(profile, OVERRIDE_LEVELS["systolic 141"])

    violation = refused(journey, dose(profile, 1, FIRST_DOSE, override=BAD_OVERRIDES[bad]))

    assert violation.rule == "J-06"
    assert "prescriber" in violation.detail


def test_vitals_at_the_override_level_exactly_need_no_override(profile):
    journey = _checked_with(profile, vitals(systolic=140, diastolic=90, heart_rate=50))

    post(journey, dose(profile, 1, FIRST_DOSE))

    assert journey.facts.overrides == []


def test_a_new_pre_dose_check_with_calmer_vitals_lets_the_dose_through(profile):
    journey = _checked_with(profile, HARD_HOLDS["systolic 181"])
    post(journey, pre_dose_check(1, FIRST_DOSE + 30 * MIN))

    post(journey, dose(profile, 1, FIRST_DOSE + 30 * MIN))

    assert len(journey.facts.doses()) == 1


# J-07: route and amount

ALLOWED = [
    *[(KAP_STANDARD, route, 35) for route in ("im", "iv")],
    (KAP_STANDARD, "im", 52.5),  # 0.75 mg/kg of 70 kg
    *[(KAP_STANDARD, route, 210) for route in ("sublingual", "oral")],  # 3 mg/kg of 70 kg
    *[(KAP_STANDARD_2026, route, 400) for route in ("sublingual", "oral")],
    (SPRAVATO_REMS, "intranasal", 56),  # 2027-1: the first dose is 56 mg
    *[(SPRAVATO_REMS_2026, "intranasal", mg) for mg in (28, 56, 84)],
]
REFUSED = [
    (KAP_STANDARD, "intranasal", 56, "Route intranasal is not allowed"),
    (KAP_STANDARD, "im", 53, "at most 52.5 mg"),
    (KAP_STANDARD, "iv", 60, "at most 52.5 mg"),
    (KAP_STANDARD, "sublingual", 211, "at most 210 mg"),
    (KAP_STANDARD_2026, "sublingual", 401, "at most 400 mg"),
    (KAP_STANDARD_2026, "oral", 450, "at most 400 mg"),
    *[(SPRAVATO_REMS, r, 56, f"Route {r} is not allowed") for r in ("im", "iv", "oral")],
    (SPRAVATO_REMS, "intranasal", 42, "first dose under spravato-rems is 56 mg"),
    (SPRAVATO_REMS, "intranasal", 84, "first dose under spravato-rems is 56 mg"),
    (SPRAVATO_REMS, "intranasal", 28, "28 mg is one device, not a dose"),
    (SPRAVATO_REMS_2026, "intranasal", 42, "use 28, 56, 84 mg"),
    (SPRAVATO_REMS_2026, "intranasal", 112, "use 28, 56, 84 mg"),
]


def _as_given(route: str) -> dict[str, float]:
    """A 70 kg patient; an IV dose over the 40 minutes 2027-1 asks (J-07 infusion)."""
    return {"weight_kg": 70, **({"infusion_minutes": 40} if route == "iv" else {})}


@pytest.mark.parametrize(("profile", "route", "mg"), ALLOWED)
def test_a_route_and_dose_within_the_protocols_limits_are_accepted(profile, route, mg):
    journey = ready_to_dose(profile)

    post(journey, dose(profile, 1, FIRST_DOSE, route=route, dose_mg=mg, **_as_given(route)))

    assert journey.facts.session(1)["dose"]["dose_mg"] == mg


@pytest.mark.parametrize(("profile", "route", "mg", "expected"), REFUSED)
def test_a_route_or_dose_beyond_the_protocols_limits_is_refused_under_j07(
    profile, route, mg, expected
):
    journey = ready_to_dose(profile)

    violation = refused(
        journey, dose(profile, 1, FIRST_DOSE, route=route, dose_mg=mg, **_as_given(route))
    )

    assert violation.rule == "J-07"
    assert expected in violation.detail


# J-07: spacing of doses

SPACING = [(KAP_STANDARD, 24), (SPRAVATO_REMS, 48)]


def _second_dose_after(profile, hours: float):
    second = FIRST_DOSE + timedelta(hours=hours)
    journey = given_journey(
        profile,
        [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE), pre_dose_check(2, second)],
    )
    return journey, second


@pytest.mark.parametrize(("profile", "hours"), SPACING)
def test_a_dose_sooner_than_the_minimum_hours_after_the_last_is_refused_under_j07(profile, hours):
    journey, second = _second_dose_after(profile, hours - 1)

    violation = refused(journey, dose(profile, 2, second))

    assert violation.rule == "J-07"
    assert f"At least {hours} h must pass" in violation.detail


@pytest.mark.parametrize(("profile", "hours"), SPACING)
def test_a_dose_the_minimum_hours_after_the_last_is_accepted(profile, hours):
    journey, second = _second_dose_after(profile, hours)

    post(journey, dose(profile, 2, second))

    assert len(journey.facts.doses()) == 2


WEEKLY = [(KAP_STANDARD, 3, DAY), (SPRAVATO_REMS, 2, 2 * DAY)]


def _week_full(profile, limit: int, every: timedelta):
    journey = given_journey(profile, [*intake_for(profile), *series(profile, limit, every=every)])
    return journey, limit + 1


@pytest.mark.parametrize(("profile", "limit", "every"), WEEKLY)
def test_one_dose_more_than_the_weekly_limit_is_refused_under_j07(profile, limit, every):
    journey, number = _week_full(profile, limit, every)
    at = FIRST_DOSE + every * limit
    post(journey, pre_dose_check(number, at))

    violation = refused(journey, dose(profile, number, at))

    assert violation.rule == "J-07"
    assert f"{limit} doses in the last 7 days (at most {limit})" in violation.detail
    assert (FIRST_DOSE + 7 * DAY).strftime("%Y-%m-%d %H:%M") in violation.detail


@pytest.mark.parametrize(("profile", "limit", "every"), WEEKLY)
def test_the_next_dose_is_accepted_once_the_first_leaves_the_7_day_window(profile, limit, every):
    journey, number = _week_full(profile, limit, every)
    at = FIRST_DOSE + 7 * DAY
    post(journey, pre_dose_check(number, at))

    post(journey, dose(profile, number, at))

    assert len(journey.facts.doses()) == limit + 1


def test_under_2026_11_01_the_weekly_limit_does_not_apply_in_maintenance():
    profile = SPRAVATO_REMS_2026
    journey, at = _series_done(profile, 8)
    post(journey, step("TreatmentPlanUpdated", at - DAY, further_sessions=4))
    for s in full_session(profile, 9, at):
        post(journey, s)
    second = at + 2 * DAY + HOUR
    for s in full_session(profile, 10, second):
        post(journey, s)
    third = second + 2 * DAY + HOUR
    post(journey, pre_dose_check(11, third))

    post(journey, dose(profile, 11, third))

    assert status_of(journey, third).stage == "maintenance"


# J-08 for a dose


def test_a_dose_naming_another_session_than_the_checked_one_is_refused_under_j08(profile):
    journey = ready_to_dose(profile)

    violation = refused(journey, dose(profile, 2, FIRST_DOSE))

    assert violation.rule == "J-08"
    assert "session 1" in violation.detail


def test_a_second_dose_in_the_same_session_is_refused_under_j08(profile):
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE))

    violation = refused(journey, dose(profile, 1, FIRST_DOSE + 5 * MIN))

    assert violation.rule == "J-08"
    assert "already has a dose" in violation.detail


# J-09: series length


SERIES = [
    pytest.param(KAP_STANDARD, 6, id="kap-6"),
    pytest.param(SPRAVATO_REMS, 8, id="spravato-8"),
]


def _series_done(profile, length: int):
    """The series given, then its end-of-series PHQ-9 and a medication reconciliation (due
    every 30 days under Spravato 2027-1) the day after the last dose."""
    steps = series(profile, length)
    last_dose = max(s.occurred_at for s in steps if s.type == "KetamineAdministered")
    end = phq9([1] * 8 + [0], last_dose + DAY, "end_of_series")
    reconciled = step("MedicationsReconciled", last_dose + DAY + HOUR)
    journey = given_journey(profile, [*intake_for(profile), *steps, end, reconciled])
    at = FIRST_DOSE + (length + 1) * 4 * DAY
    return journey, at


ONE_WEEK_PLAN = {"further_sessions": 1, "interval_weeks": 1}


@pytest.mark.parametrize(("profile", "length"), SERIES)
def test_a_dose_beyond_the_series_without_a_plan_is_refused_under_j09(profile, length):
    journey, at = _series_done(profile, length)
    assert status_of(journey, at).stage == "series_complete"
    assert status_of(journey, at).next_step.code == "update_treatment_plan"
    assert "J-09" in {b.rule for b in status_of(journey, at).blockers}

    violation = refused(journey, pre_dose_check(length + 1, at))

    assert violation.rule == "J-09"
    assert f"The {length} planned doses are given" in violation.detail
    assert "TreatmentPlanUpdated" in violation.detail


@pytest.mark.parametrize(("profile", "length"), SERIES)
def test_a_dose_beyond_the_series_with_a_maintenance_plan_is_accepted(profile, length):
    journey, at = _series_done(profile, length)
    post(journey, step("TreatmentPlanUpdated", at - DAY, **ONE_WEEK_PLAN))
    post(journey, pre_dose_check(length + 1, at))

    post(journey, dose(profile, length + 1, at))

    assert status_of(journey, at).stage == "maintenance"


@pytest.mark.parametrize(("profile", "length"), SERIES)
def test_the_plans_further_sessions_are_a_new_limit_under_j09(profile, length):
    journey, at = _series_done(profile, length)
    post(journey, step("TreatmentPlanUpdated", at - DAY, **ONE_WEEK_PLAN))
    for s in full_session(profile, length + 1, at):
        post(journey, s)
    later = at + 30 * DAY

    violation = refused(journey, pre_dose_check(length + 2, later))

    assert violation.rule == "J-09"
    assert f"The {length + 1} planned doses are given" in violation.detail


def test_under_2026_11_01_a_plan_posted_during_the_series_does_not_lift_the_weekly_limit():
    """2027-1 refuses such a plan outright (test_plans_2027); the old profile took it."""
    profile = KAP_STANDARD_2026
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            step("TreatmentPlanUpdated", FIRST_DOSE - DAY),
            *series(profile, 3, every=DAY),
        ],
    )
    at = FIRST_DOSE + 3 * DAY
    post(journey, pre_dose_check(4, at))

    violation = refused(journey, dose(profile, 4, at))

    assert violation.rule == "J-07"
