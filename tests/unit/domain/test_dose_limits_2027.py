"""J-07 dose limits under 2027-1 (issue 10, items 12-14): mg/kg limits read the recorded
weight, the dose's own weight agrees with it within 5 %, sublingual and oral doses have an
mg/kg limit beside the flat cap, a step of more than +50 % on the previous session needs a
prescriber's override, and IV doses run at least 40 min. The 2026-11-01 profiles keep the
old limits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.protocols import (
    KAP_STANDARD,
    KAP_STANDARD_2026,
    SPRAVATO_REMS,
    ProtocolProfile,
)
from tests.story import in_session_vitals
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    discharge_time,
    dose,
    full_session,
    given_journey,
    intake_for,
    integration,
    post,
    pre_dose_check,
    ready_to_dose,
    refused,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
PRESCRIBER_OVERRIDE = {
    "by": {"id": "dr-lee", "role": "prescriber"},
    "reason": "Partial response at 100 mg; stepping up as planned.",
}
NURSE_OVERRIDE = {"by": {"id": "nurse-kim", "role": "nurse"}, "reason": "Asked for more."}
# The story's consultation records 70 kg.


def weighed(profile: ProtocolProfile, weight_kg: float, at: datetime = FIRST_DOSE):
    """Intake done and session 1's pre-dose check recording ``weight_kg``."""
    return given_journey(
        profile, [*intake_for(profile), pre_dose_check(1, at, weight_kg=weight_kg)]
    )


def session(profile: ProtocolProfile, number: int, at: datetime, **given: Any):
    """A whole KAP session whose dose is ``given`` (route, dose_mg, ...)."""
    return [
        pre_dose_check(number, at),
        dose(profile, number, at, **given),
        in_session_vitals(number, at),
        discharge(number, discharge_time(profile, at)),
        integration(number, discharge_time(profile, at) + HOUR),
    ]


# Item 12: the recorded weight


def test_the_mg_kg_limit_reads_the_recorded_weight_not_the_doses_own():
    journey = ready_to_dose(KAP_STANDARD)  # 70 kg on record: at most 52.5 mg IM

    violation = refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, dose_mg=54, weight_kg=73.5))

    assert violation.rule == "J-07"
    assert "0.75 mg/kg for 70 kg" in violation.detail
    assert "at most 52.5 mg" in violation.detail


def test_a_pre_dose_check_weight_is_the_latest_recorded_weight():
    journey = weighed(KAP_STANDARD, 80)  # 0.75 mg/kg of 80 kg = 60 mg

    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, dose_mg=60, weight_kg=80))

    assert journey.facts.recorded_weight() == 80


def test_a_dose_just_above_the_limit_of_the_recorded_weight_is_refused_under_j07():
    journey = weighed(KAP_STANDARD, 80)

    violation = refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, dose_mg=60.1, weight_kg=80))

    assert violation.rule == "J-07"
    assert "at most 60 mg" in violation.detail


@pytest.mark.parametrize("weight_kg", [66.5, 73.5], ids=["5%-below", "5%-above"])
@pytest.mark.parametrize("profile", [KAP_STANDARD, SPRAVATO_REMS], ids=["kap", "spravato"])
def test_a_dose_weight_exactly_5_percent_from_the_recorded_one_is_accepted(profile, weight_kg):
    journey = ready_to_dose(profile)

    post(journey, dose(profile, 1, FIRST_DOSE, weight_kg=weight_kg))

    assert journey.facts.session(1)["dose"]["weight_kg"] == weight_kg


@pytest.mark.parametrize("weight_kg", [66.49, 73.51], ids=["below", "above"])
@pytest.mark.parametrize("profile", [KAP_STANDARD, SPRAVATO_REMS], ids=["kap", "spravato"])
def test_a_dose_weight_just_beyond_5_percent_is_refused_under_j07(profile, weight_kg):
    journey = ready_to_dose(profile)

    violation = refused(journey, dose(profile, 1, FIRST_DOSE, weight_kg=weight_kg))

    assert violation.rule == "J-07"
    assert "more than 5 % from the recorded 70 kg" in violation.detail
    assert "between 66.5 and 73.5 kg" in violation.detail
    assert "pre-dose check" in violation.detail


def test_with_no_weight_on_record_the_dose_is_refused_with_what_to_record():
    journey = ready_to_dose(KAP_STANDARD)
    journey.facts.consultation["weight_kg"] = None  # a snapshot from before weights were kept

    violation = refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE))

    assert violation.rule == "J-07"
    assert "No weight on record" in violation.detail
    assert "record weight_kg on the pre-dose check of session 1" in violation.detail


def test_a_weight_on_the_pre_dose_check_stands_in_for_a_missing_one():
    journey = weighed(KAP_STANDARD, 70)
    journey.facts.consultation["weight_kg"] = None

    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE))

    assert len(journey.facts.doses()) == 1


def test_under_2026_11_01_the_doses_own_weight_sets_the_limit():
    journey = ready_to_dose(KAP_STANDARD_2026)  # 70 kg on record

    post(journey, dose(KAP_STANDARD_2026, 1, FIRST_DOSE, dose_mg=60, weight_kg=80))

    assert journey.facts.session(1)["dose"]["dose_mg"] == 60


# Item 13: sublingual and oral mg/kg


@pytest.mark.parametrize("route", ["sublingual", "oral"])
def test_a_sublingual_or_oral_dose_of_3_mg_kg_is_accepted(route):
    journey = ready_to_dose(KAP_STANDARD)

    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, route=route, dose_mg=210))

    assert journey.facts.session(1)["dose"]["dose_mg"] == 210


@pytest.mark.parametrize("route", ["sublingual", "oral"])
def test_a_sublingual_or_oral_dose_above_3_mg_kg_is_refused_under_j07(route):
    journey = ready_to_dose(KAP_STANDARD)

    violation = refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, route=route, dose_mg=210.1))

    assert violation.rule == "J-07"
    assert "3 mg/kg for 70 kg" in violation.detail
    assert "at most 210 mg" in violation.detail


def test_the_flat_cap_still_bounds_a_heavy_patients_sublingual_dose():
    journey = weighed(KAP_STANDARD, 140)  # 3 mg/kg would allow 420 mg
    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, route="sublingual", dose_mg=400, weight_kg=140))

    assert journey.facts.session(1)["dose"]["dose_mg"] == 400


def test_a_heavy_patients_sublingual_dose_above_the_flat_cap_is_refused_under_j07():
    journey = weighed(KAP_STANDARD, 140)

    violation = refused(
        journey,
        dose(KAP_STANDARD, 1, FIRST_DOSE, route="sublingual", dose_mg=401, weight_kg=140),
    )

    assert violation.rule == "J-07"
    assert "exceeds the limit: give at most 400 mg" in violation.detail


def test_under_2026_11_01_sublingual_doses_have_only_the_flat_cap():
    journey = ready_to_dose(KAP_STANDARD_2026)

    post(journey, dose(KAP_STANDARD_2026, 1, FIRST_DOSE, route="sublingual", dose_mg=400))

    assert journey.facts.session(1)["dose"]["dose_mg"] == 400


# Item 13: escalation from the previous session

SECOND = FIRST_DOSE + 3 * DAY


def after_a_first_session(profile: ProtocolProfile = KAP_STANDARD, **first: Any):
    """Session 1 gave 100 mg sublingual (unless ``first`` says otherwise); session 2 is
    checked for a dose at ``SECOND``."""
    given = {"route": "sublingual", "dose_mg": 100, **first}
    return given_journey(
        profile,
        [
            *intake_for(profile),
            *session(profile, 1, FIRST_DOSE, **given),
            pre_dose_check(2, SECOND),
        ],
    )


def test_a_dose_exactly_50_percent_above_the_previous_session_is_accepted():
    journey = after_a_first_session()

    post(journey, dose(KAP_STANDARD, 2, SECOND, route="sublingual", dose_mg=150))

    assert journey.facts.overrides == []


def test_a_dose_more_than_50_percent_above_the_previous_session_is_refused_under_j07():
    journey = after_a_first_session()

    violation = refused(journey, dose(KAP_STANDARD, 2, SECOND, route="sublingual", dose_mg=150.5))

    assert violation.rule == "J-07"
    assert "more than 50 % above the previous session's 100 mg" in violation.detail
    assert "at most 150 mg" in violation.detail
    assert "override by a prescriber" in violation.detail


def test_a_larger_step_with_a_prescribers_override_is_accepted_and_reported():
    journey = after_a_first_session()

    post(
        journey,
        dose(
            KAP_STANDARD, 2, SECOND, route="sublingual", dose_mg=200, override=PRESCRIBER_OVERRIDE
        ),
    )

    assert journey.facts.overrides[-1]["what"] == "dose in session 2"


def test_a_larger_step_with_a_nurses_override_is_refused():
    journey = after_a_first_session()

    violation = refused(
        journey,
        dose(KAP_STANDARD, 2, SECOND, route="sublingual", dose_mg=200, override=NURSE_OVERRIDE),
    )

    assert violation.rule == "J-06"
    assert "prescriber" in violation.detail


def test_a_dose_by_another_route_is_not_compared_with_the_previous_session():
    journey = after_a_first_session(route="im", dose_mg=20)

    post(journey, dose(KAP_STANDARD, 2, SECOND, route="sublingual", dose_mg=200))

    assert journey.facts.session(2)["dose"]["dose_mg"] == 200


def test_the_step_is_measured_from_the_last_session_given_by_the_same_route():
    third = SECOND + 3 * DAY
    journey = given_journey(
        KAP_STANDARD,
        [
            *intake_for(KAP_STANDARD),
            *session(KAP_STANDARD, 1, FIRST_DOSE, route="sublingual", dose_mg=100),
            *session(KAP_STANDARD, 2, SECOND, route="im", dose_mg=35),
            pre_dose_check(3, third),
        ],
    )

    violation = refused(journey, dose(KAP_STANDARD, 3, third, route="sublingual", dose_mg=151))

    assert violation.rule == "J-07"
    assert "previous session's 100 mg" in violation.detail


def test_the_step_is_measured_from_the_latest_of_several_sessions_by_the_route():
    days = [FIRST_DOSE + 3 * n * DAY for n in range(4)]
    journey = given_journey(
        KAP_STANDARD,
        [
            *intake_for(KAP_STANDARD),
            *session(KAP_STANDARD, 1, days[0], route="sublingual", dose_mg=100),
            *session(KAP_STANDARD, 2, days[1], route="sublingual", dose_mg=140),
            *session(KAP_STANDARD, 3, days[2], route="im", dose_mg=35),
            pre_dose_check(4, days[3]),
        ],
    )

    post(journey, dose(KAP_STANDARD, 4, days[3], route="sublingual", dose_mg=210))

    assert journey.facts.overrides == []


def test_spravato_56_then_84_mg_is_exactly_the_step_and_needs_no_override():
    second = FIRST_DOSE + 3 * DAY
    journey = given_journey(
        SPRAVATO_REMS,
        [
            *intake_for(SPRAVATO_REMS),
            *full_session(SPRAVATO_REMS, 1, FIRST_DOSE),
            pre_dose_check(2, second),
        ],
    )

    post(journey, dose(SPRAVATO_REMS, 2, second, dose_mg=84))

    assert journey.facts.overrides == []


def test_under_2026_11_01_any_step_within_the_limits_is_accepted():
    journey = after_a_first_session(KAP_STANDARD_2026)

    post(journey, dose(KAP_STANDARD_2026, 2, SECOND, route="sublingual", dose_mg=300))

    assert journey.facts.overrides == []


# Item 14: IV infusion minutes


def test_an_iv_dose_infused_over_40_minutes_is_accepted():
    journey = ready_to_dose(KAP_STANDARD)

    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, route="iv", infusion_minutes=40))

    assert journey.facts.session(1)["dose"]["infusion_minutes"] == 40


@pytest.mark.parametrize(
    ("minutes", "said"), [(39, "39 min recorded"), (None, "none recorded")], ids=["39", "none"]
)
def test_an_iv_dose_shorter_than_40_minutes_or_without_them_is_refused_under_j07(minutes, said):
    journey = ready_to_dose(KAP_STANDARD)

    violation = refused(
        journey, dose(KAP_STANDARD, 1, FIRST_DOSE, route="iv", infusion_minutes=minutes)
    )

    assert violation.rule == "J-07"
    assert said in violation.detail
    assert "infusion_minutes of 40 or more" in violation.detail


def test_an_im_dose_needs_no_infusion_minutes():
    journey = ready_to_dose(KAP_STANDARD)

    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, route="im"))

    assert journey.facts.session(1)["dose"]["infusion_minutes"] is None


def test_under_2026_11_01_an_iv_dose_needs_no_infusion_minutes():
    journey = ready_to_dose(KAP_STANDARD_2026)

    post(journey, dose(KAP_STANDARD_2026, 1, FIRST_DOSE, route="iv"))

    assert len(journey.facts.doses()) == 1
