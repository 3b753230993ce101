"""The guidance a treatment plan's refusals (J-09), a refused correction and the session
rules (J-08, J-10, J-11, J-13) give: the sentences staff act on, pinned word for word."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from domain.errors import CorrectionRefusedError, RuleViolationError
from domain.journey import Journey
from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS, SPRAVATO_REMS_2026
from tests.story import START, Step, in_session_vitals, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    correct,
    discharge,
    dose,
    full_session,
    given_journey,
    intake_for,
    open_journey,
    post,
    pre_dose_check,
    refused,
    refused_correction,
    series,
    status_of,
    version_of,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
LAST_SERIES_DOSE = FIRST_DOSE + 15 * DAY
"""KAP's six doses, three days apart: the last on 2026-10-21 at 10:00 UTC."""
BASELINE_VERSION = 3
IMPROVED = [1] * 8 + [0]


def plan(at: datetime, role: str = "prescriber", **changes) -> Step:
    body = step("TreatmentPlanUpdated", at, **changes)
    return Step(body.type, body.occurred_at, body.data, role)


def kap_series(*, end_of_series: bool = True, doses: int = 6) -> Journey:
    steps = [*intake_for(KAP_STANDARD), *series(KAP_STANDARD, doses)]
    if end_of_series:
        steps.append(phq9(IMPROVED, LAST_SERIES_DOSE + 2 * HOUR, "end_of_series"))
    return given_journey(KAP_STANDARD, steps)


# --- treatment plans (J-09) ----------------------------------------------------------------


def test_a_plan_by_a_nurse_is_refused_as_the_prescribers_decision():
    journey = kap_series()

    violation = refused(journey, plan(LAST_SERIES_DOSE + DAY, "nurse"))

    assert (violation.rule, violation.detail) == (
        "J-09",
        "A treatment plan is a prescriber's decision: record it as a prescriber.",
    )


def test_a_plan_during_the_series_says_a_plan_follows_the_series():
    journey = kap_series(end_of_series=False, doses=5)

    violation = refused(journey, plan(LAST_SERIES_DOSE + DAY))

    assert (violation.rule, violation.detail) == (
        "J-09",
        "The induction series is not complete (5 of 6 doses given): "
        "a treatment plan follows the series.",
    )


def test_a_plan_without_the_end_of_series_phq9_names_the_series_last_dose():
    journey = kap_series(end_of_series=False)

    violation = refused(journey, plan(LAST_SERIES_DOSE + DAY))

    assert (violation.rule, violation.detail) == (
        "J-09",
        "No end-of-series PHQ-9 since the series' last dose (2026-10-21 10:00 UTC): record "
        "OutcomeMeasureRecorded (PHQ-9, timepoint end_of_series) first.",
    )


def test_a_plan_too_large_says_to_plan_fewer_and_review_later():
    journey = kap_series()

    violation = refused(journey, plan(LAST_SERIES_DOSE + DAY, further_sessions=13))

    assert (violation.rule, violation.detail) == (
        "J-09",
        "A plan grants at most 12 further sessions (13 asked): plan 12 or fewer and review "
        "again when they are given.",
    )


def test_a_plan_corrected_beyond_its_size_is_refused_under_j09():
    journey = kap_series()
    post(journey, plan(LAST_SERIES_DOSE + DAY, further_sessions=4))

    violation = refused_correction(
        journey, journey.version, {"further_sessions": 13}, LAST_SERIES_DOSE + 2 * DAY
    )

    assert violation.rule == "J-09"


# --- corrections -------------------------------------------------------------------------


def test_a_correction_changing_nothing_is_refused_saying_so():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD))

    refusal = refused_correction(journey, BASELINE_VERSION, {}, FIRST_DOSE)

    assert isinstance(refusal, CorrectionRefusedError)
    assert str(refusal) == "A correction must change at least one field."


def test_a_correction_of_both_identifying_fields_names_both_and_what_to_do():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD))

    refusal = refused_correction(
        journey, BASELINE_VERSION, {"session": 2, "instrument": "GAD-7"}, FIRST_DOSE
    )

    assert isinstance(refusal, CorrectionRefusedError)
    assert str(refusal) == (
        "instrument, session identifies the entry and cannot be corrected; "
        "correct the entry that was meant instead."
    )


def test_a_corrected_measure_is_scored_again_so_impossible_answers_are_refused():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD))

    refusal = refused_correction(journey, BASELINE_VERSION, {"items": [7] * 9}, FIRST_DOSE)

    assert isinstance(refusal, RuleViolationError)
    assert refusal.rule == "J-14"


# --- sessions, discharge, integration, cancellation, REMS forms (J-08, J-10, J-11) ---------

MIN = timedelta(minutes=1)
OUT = FIRST_DOSE + 75 * MIN


def dosed_kap() -> Journey:
    journey = given_journey(
        KAP_STANDARD,
        [
            *intake_for(KAP_STANDARD),
            pre_dose_check(1, FIRST_DOSE),
            dose(KAP_STANDARD, 1, FIRST_DOSE),
        ],
    )
    post(journey, in_session_vitals(1, FIRST_DOSE))
    return journey


def discharged_kap() -> Journey:
    journey = dosed_kap()
    post(journey, discharge(1, OUT))
    return journey


def detail_of(journey: Journey, s: Step) -> tuple[str, str]:
    violation = refused(journey, s)
    return violation.rule, violation.detail


def test_a_check_naming_a_later_session_names_the_next_one():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD))

    assert detail_of(journey, pre_dose_check(2, FIRST_DOSE)) == (
        "J-08",
        "The next dosing session is 1; a pre-dose check names session 2.",
    )


def test_a_check_while_the_last_session_is_observed_says_to_discharge_it():
    journey = dosed_kap()

    assert detail_of(journey, pre_dose_check(2, FIRST_DOSE + 3 * DAY)) == (
        "J-08",
        "Session 1 is not discharged yet: record PatientDischarged for session 1.",
    )


def test_a_check_before_the_last_session_is_integrated_says_to_integrate_it():
    journey = discharged_kap()

    assert detail_of(journey, pre_dose_check(2, FIRST_DOSE + 3 * DAY)) == (
        "J-08",
        "Session 1 is not integrated yet: record IntegrationCompleted for session 1.",
    )


def test_a_check_after_every_planned_dose_asks_for_a_treatment_plan():
    journey = kap_series()

    assert detail_of(journey, pre_dose_check(7, LAST_SERIES_DOSE + 3 * DAY)) == (
        "J-09",
        "The 6 planned doses are given: record TreatmentPlanUpdated before opening session 7.",
    )


def test_vitals_naming_an_unopened_session_say_to_open_it():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD))

    assert detail_of(journey, step("VitalsRecorded", FIRST_DOSE, session=3)) == (
        "J-08",
        "Session 3 has not been opened: record PreDoseCheckCompleted for it first.",
    )


def test_a_discharge_before_any_dose_has_nothing_to_discharge_from():
    journey = given_journey(
        KAP_STANDARD, [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE)]
    )

    assert detail_of(journey, discharge(1, FIRST_DOSE)) == (
        "J-10",
        "Session 1 has no dose yet: nothing to discharge from.",
    )


def test_a_second_discharge_is_refused_as_already_discharged():
    journey = discharged_kap()

    assert detail_of(journey, discharge(1, OUT + MIN)) == (
        "J-10",
        "Session 1 is already discharged.",
    )


def test_a_discharge_of_a_patient_not_alert_says_so():
    journey = dosed_kap()

    assert detail_of(journey, discharge(1, OUT, alert_and_oriented=False)) == (
        "J-10",
        "Discharge needs the patient alert and oriented.",
    )


def test_a_discharge_without_an_escort_asks_to_name_one():
    journey = dosed_kap()

    assert detail_of(journey, discharge(1, OUT, released_to=None)) == (
        "J-10",
        "Discharge needs an escort: name released_to.",
    )


def test_an_integration_before_discharge_says_integration_follows_discharge():
    journey = dosed_kap()

    assert detail_of(journey, step("IntegrationCompleted", OUT, session=1)) == (
        "J-11",
        "Session 1 is not discharged: integration follows discharge.",
    )


def test_a_second_integration_is_refused_as_already_integrated():
    journey = discharged_kap()
    post(journey, step("IntegrationCompleted", OUT + HOUR, session=1))

    assert detail_of(journey, step("IntegrationCompleted", OUT + 2 * HOUR, session=1)) == (
        "J-11",
        "Session 1 is already integrated.",
    )


def test_cancelling_a_session_twice_is_refused_as_already_cancelled():
    journey = given_journey(
        KAP_STANDARD,
        [
            *intake_for(KAP_STANDARD),
            pre_dose_check(1, FIRST_DOSE),
            step("DosingSessionCancelled", FIRST_DOSE, session=1),
        ],
    )

    assert detail_of(journey, step("DosingSessionCancelled", FIRST_DOSE + MIN, session=1)) == (
        "J-08",
        "Session 1 is already cancelled.",
    )


def test_cancelling_a_dosed_session_says_to_discharge_it_instead():
    journey = dosed_kap()

    assert detail_of(journey, step("DosingSessionCancelled", FIRST_DOSE + HOUR, session=1)) == (
        "J-08",
        "Session 1 was dosed: it cannot be cancelled; discharge it instead.",
    )


def test_closing_with_a_patient_still_observed_says_to_discharge_first():
    journey = dosed_kap()

    assert detail_of(journey, step("JourneyClosed", FIRST_DOSE + HOUR)) == (
        "J-13",
        "Session 1 was dosed and the patient is not discharged: record PatientDischarged "
        "for session 1 before closing the journey.",
    )


def test_a_closed_journey_refuses_clinical_entries_and_says_open_a_new_episode():
    journey = given_journey(KAP_STANDARD, [step("JourneyClosed", FIRST_DOSE)])

    assert detail_of(journey, step("ConsultationCompleted", FIRST_DOSE + HOUR)) == (
        "J-13",
        "The journey is closed: nothing clinical is accepted; open a new episode.",
    )


# --- the schedule (J-07) -------------------------------------------------------------------


def test_a_dose_too_soon_after_the_last_names_when_the_next_is_possible():
    soon = FIRST_DOSE + 20 * HOUR
    journey = given_journey(
        KAP_STANDARD,
        [*intake_for(KAP_STANDARD), *full_session(KAP_STANDARD, 1, FIRST_DOSE)],
    )
    post(journey, pre_dose_check(2, soon))

    assert detail_of(journey, dose(KAP_STANDARD, 2, soon)) == (
        "J-07",
        "At least 24 h must pass between doses: the next dose is possible from "
        "2026-10-07 10:00 UTC.",
    )


# --- the dose itself (J-05 to J-08) --------------------------------------------------------


def test_a_second_kap_dose_in_a_session_points_to_the_booster():
    journey = dosed_kap()

    assert detail_of(journey, dose(KAP_STANDARD, 1, FIRST_DOSE + HOUR)) == (
        "J-08",
        "Session 1 already has a dose recorded: a further administration in it is a booster "
        "(booster true).",
    )


def test_a_second_dose_where_no_booster_exists_only_says_the_session_is_dosed():
    journey = given_journey(
        SPRAVATO_REMS,
        [
            *intake_for(SPRAVATO_REMS),
            pre_dose_check(1, FIRST_DOSE),
            dose(SPRAVATO_REMS, 1, FIRST_DOSE),
        ],
    )

    assert detail_of(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE + HOUR)) == (
        "J-08",
        "Session 1 already has a dose recorded.",
    )


def test_a_dose_naming_a_later_session_names_the_session_it_belongs_to():
    journey = given_journey(
        KAP_STANDARD, [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE)]
    )

    assert detail_of(journey, dose(KAP_STANDARD, 2, FIRST_DOSE)) == (
        "J-08",
        "A dose now belongs to session 1; this one names session 2.",
    )


def test_a_kap_dose_without_a_therapist_asks_to_name_one():
    journey = given_journey(
        KAP_STANDARD, [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE)]
    )

    assert detail_of(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, therapist_present=None)) == (
        "J-05",
        "A therapist must be in the room for the whole dose: name therapist_present.",
    )


def test_a_spravato_dose_without_a_prescriber_on_site_asks_to_name_one():
    journey = given_journey(
        SPRAVATO_REMS, [*intake_for(SPRAVATO_REMS), pre_dose_check(1, FIRST_DOSE)]
    )

    assert detail_of(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE, prescriber_on_site=None)) == (
        "J-05",
        "A prescriber must be on site during dosing: name prescriber_on_site.",
    )


def test_a_route_the_protocol_does_not_allow_lists_the_routes_it_does():
    journey = given_journey(
        KAP_STANDARD, [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE)]
    )

    assert detail_of(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, route="intranasal")) == (
        "J-07",
        "Route intranasal is not allowed by kap-standard: use im, iv, sublingual, oral.",
    )


def test_a_spravato_amount_off_the_label_lists_the_amounts_allowed():
    legacy = SPRAVATO_REMS_2026
    journey = given_journey(legacy, [*intake_for(legacy), pre_dose_check(1, FIRST_DOSE)])

    assert detail_of(journey, dose(legacy, 1, FIRST_DOSE, dose_mg=42)) == (
        "J-07",
        "Dose 42 mg is not allowed: use 28, 56, 84 mg.",
    )


def test_a_2026_override_by_a_nurse_is_refused_naming_who_may_override():
    legacy = KAP_STANDARD_2026
    journey = given_journey(legacy, [*intake_for(legacy), pre_dose_check(1, FIRST_DOSE)])
    override = {"by": {"id": "nurse-1", "role": "nurse"}, "reason": "Fine."}

    assert detail_of(journey, dose(legacy, 1, FIRST_DOSE, override=override)) == (
        "J-06",
        "An override must be given by a prescriber (role prescriber) with a reason.",
    )


# --- how much a session may give (J-07) ----------------------------------------------------


def kap_checked(weight_kg: float = 70) -> Journey:
    return given_journey(
        KAP_STANDARD,
        [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE, weight_kg=weight_kg)],
    )


def test_a_dose_over_the_mg_kg_limit_names_the_limit_and_the_most_to_give():
    journey = kap_checked()

    assert detail_of(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, dose_mg=54)) == (
        "J-07",
        "54 mg im exceeds 0.75 mg/kg for 70 kg: give at most 52.5 mg.",
    )


def test_a_booster_over_the_limit_names_what_the_session_has_given():
    journey = kap_checked()
    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE))
    booster = dose(KAP_STANDARD, 1, FIRST_DOSE + 20 * MIN, booster=True, dose_mg=20)

    assert detail_of(journey, booster) == (
        "J-07",
        "20 mg im (with 35 mg given this session) exceeds 0.75 mg/kg for 70 kg: give at most "
        "17.5 mg.",
    )


def test_a_sublingual_dose_over_the_flat_cap_names_the_cap():
    journey = kap_checked(140)

    s = dose(KAP_STANDARD, 1, FIRST_DOSE, route="sublingual", dose_mg=401, weight_kg=140)

    assert detail_of(journey, s) == (
        "J-07",
        "401 mg sublingual exceeds the limit: give at most 400 mg.",
    )


def test_a_dose_weight_off_the_record_names_the_range_and_how_to_update_it():
    journey = kap_checked()

    assert detail_of(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, weight_kg=66.49)) == (
        "J-07",
        "The dose names 66.49 kg, more than 5 % from the recorded 70 kg: give weight_kg "
        "between 66.5 and 73.5 kg, or record the patient's new weight (weight_kg) on a "
        "pre-dose check.",
    )


def test_an_escalation_beyond_the_step_names_the_most_and_the_override():
    second = FIRST_DOSE + 3 * DAY
    journey = given_journey(
        KAP_STANDARD,
        [
            *intake_for(KAP_STANDARD),
            pre_dose_check(1, FIRST_DOSE),
            dose(KAP_STANDARD, 1, FIRST_DOSE, route="sublingual", dose_mg=100),
            in_session_vitals(1, FIRST_DOSE),
            discharge(1, OUT),
            step("IntegrationCompleted", OUT + HOUR, session=1),
            pre_dose_check(2, second),
        ],
    )

    assert detail_of(journey, dose(KAP_STANDARD, 2, second, route="sublingual", dose_mg=150.5)) == (
        "J-07",
        "150.5 mg this session is more than 50 % above the previous session's 100 mg (at most "
        "150 mg): a larger step needs an override by a prescriber with a reason.",
    )


def test_a_short_iv_dose_names_the_minutes_recorded_and_needed():
    journey = kap_checked()

    s = dose(KAP_STANDARD, 1, FIRST_DOSE, route="iv", infusion_minutes=39)

    assert detail_of(journey, s) == (
        "J-07",
        "An IV dose runs over at least 40 min (39 min recorded): record infusion_minutes of "
        "40 or more.",
    )


def test_an_iv_dose_without_minutes_says_none_were_recorded():
    journey = kap_checked()

    s = dose(KAP_STANDARD, 1, FIRST_DOSE, route="iv", infusion_minutes=None)

    assert detail_of(journey, s) == (
        "J-07",
        "An IV dose runs over at least 40 min (none recorded): record infusion_minutes of "
        "40 or more.",
    )


# --- screening, consent and preparation (J-01 to J-03) -------------------------------------

CONTRAINDICATED = {
    "active_psychosis": "active psychosis",
    "primary_psychotic_disorder": "a primary psychotic disorder",
    "acute_mania": "acute mania",
    "pregnant": "pregnancy",
    "breastfeeding": "breastfeeding",
    "ketamine_hypersensitivity": "ketamine hypersensitivity",
    "aneurysmal_vascular_disease": "aneurysmal vascular disease",
    "intracerebral_hemorrhage_history": "a history of intracerebral haemorrhage",
    "arteriovenous_malformation": "an arteriovenous malformation",
}
NEEDS_CLEARANCE = {
    "uncontrolled_hypertension": "uncontrolled hypertension",
    "severe_cardiovascular_disease": "severe cardiovascular disease",
    "active_substance_use_disorder": "an active substance use disorder",
}


def consulted(**consultation) -> Journey:
    return given_journey(
        KAP_STANDARD, [step("ConsultationCompleted", START + HOUR, **consultation)]
    )


def screening(**contraindications) -> Step:
    body = step("ScreeningCompleted", START + DAY).data
    found = {**body["contraindications"], **contraindications}
    return step("ScreeningCompleted", START + DAY, contraindications=found, medical_clearance=False)


def test_a_screening_before_any_consultation_asks_for_it():
    journey = open_journey(KAP_STANDARD)

    assert detail_of(journey, step("ScreeningCompleted", START + DAY)) == (
        "J-01",
        "Screening needs a completed consultation: record ConsultationCompleted.",
    )


@pytest.mark.parametrize(("key", "name"), CONTRAINDICATED.items())
def test_an_eligible_decision_despite_a_contraindication_names_it(key, name):
    journey = consulted()

    assert detail_of(journey, screening(**{key: True})) == (
        "J-02",
        f"Eligible is refused while {name} is present: decide ineligible.",
    )


@pytest.mark.parametrize(("key", "name"), NEEDS_CLEARANCE.items())
def test_an_eligible_decision_without_clearance_names_what_needs_it(key, name):
    journey = consulted()

    assert detail_of(journey, screening(**{key: True})) == (
        "J-02",
        f"Eligible is refused with {name} unless a medical clearance is recorded: set "
        "medical_clearance true once obtained.",
    )


def test_ideation_at_the_consultation_asks_for_a_cssrs_before_eligibility():
    exam = {"suicidal_ideation": True, "mood": "low", "affect": "flat"}
    journey = consulted(mental_status_exam=exam)

    assert detail_of(journey, step("ScreeningCompleted", START + DAY)) == (
        "J-02",
        "Suicidal ideation was noted at the consultation (2026-10-01 10:00 UTC): record "
        "OutcomeMeasureRecorded (C-SSRS) after it before an eligible decision.",
    )


def test_consent_before_an_eligible_screening_asks_for_one():
    journey = consulted()

    assert detail_of(journey, step("ConsentSigned", START + DAY)) == (
        "J-03",
        "Consent needs an eligible screening: record ScreeningCompleted (eligible).",
    )


def test_consent_without_the_risks_discussed_asks_to_discuss_them():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD)[:3])

    assert detail_of(journey, step("ConsentSigned", START + 3 * DAY, risks_discussed=False)) == (
        "J-03",
        "Consent needs the risks discussed with the patient: discuss them, then record "
        "ConsentSigned with risks_discussed true.",
    )


def test_preparation_before_consent_asks_for_it():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD)[:3])

    assert detail_of(journey, step("PreparationCompleted", START + 3 * DAY)) == (
        "J-03",
        "Preparation needs active consent: record ConsentSigned.",
    )


def test_a_pre_dose_check_on_a_paused_journey_asks_to_resume_it():
    journey = given_journey(
        KAP_STANDARD, [*intake_for(KAP_STANDARD), step("JourneyPaused", FIRST_DOSE - HOUR)]
    )

    assert detail_of(journey, pre_dose_check(1, FIRST_DOSE)) == (
        "J-13",
        "The journey is paused: record JourneyResumed first.",
    )


def test_a_pre_dose_check_after_an_ineligible_screening_says_no_dosing():
    ineligible = step("ScreeningCompleted", START + 2 * DAY, decision="ineligible")
    journey = given_journey(KAP_STANDARD, [*intake_for(KAP_STANDARD)[:2], ineligible])

    assert detail_of(journey, pre_dose_check(1, FIRST_DOSE)) == (
        "J-13",
        "The patient was screened ineligible: no dosing.",
    )


def test_a_paused_journey_lists_the_pause_among_the_dose_blockers():
    journey = ready_to_dose_kap()
    post(journey, step("JourneyPaused", FIRST_DOSE - 10 * MIN))

    blockers = [(b.rule, b.text) for b in status_of(journey, FIRST_DOSE).blockers]

    assert blockers[0] == ("J-13", "The journey is paused: record JourneyResumed first.")


# --- Spravato's label amounts (J-07) -------------------------------------------------------


def ready_to_dose_kap() -> Journey:
    return given_journey(KAP_STANDARD, [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE)])


def spravato_checked() -> Journey:
    return given_journey(SPRAVATO_REMS, [*intake_for(SPRAVATO_REMS), pre_dose_check(1, FIRST_DOSE)])


def test_a_first_spravato_dose_off_the_label_names_the_first_and_later_amounts():
    journey = spravato_checked()

    assert detail_of(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE, dose_mg=84)) == (
        "J-07",
        "The first dose under spravato-rems is 56 mg, not 84 mg: give 56 mg; later doses may "
        "be 56 or 84 mg.",
    )


def test_one_spravato_device_is_not_a_dose():
    journey = spravato_checked()

    assert detail_of(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE, dose_mg=28)) == (
        "J-07",
        "28 mg is one device, not a dose: give 56 mg (spravato-rems).",
    )


# --- what makes an override (J-06) ---------------------------------------------------------


@pytest.mark.parametrize("reason", [None, ""], ids=["none", "empty"])
def test_a_prescribers_override_without_a_reason_is_no_override(reason):
    journey = ready_to_dose_kap()
    override = {"by": {"id": "prescriber-1", "role": "prescriber"}, "reason": reason}

    assert detail_of(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, override=override)) == (
        "J-06",
        "An override must be given by a prescriber (role prescriber) with a reason.",
    )


def test_a_2026_override_naming_nobody_is_refused_as_no_override():
    legacy = KAP_STANDARD_2026
    journey = given_journey(legacy, [*intake_for(legacy), pre_dose_check(1, FIRST_DOSE)])

    assert detail_of(journey, dose(legacy, 1, FIRST_DOSE, override={"reason": "Fine."})) == (
        "J-06",
        "An override must be given by a prescriber (role prescriber) with a reason.",
    )


# --- the schedule's other limits, and what the status asks for (J-02, J-07, J-08, J-09) ----


def j_rules_texts(journey: Journey, now: datetime, rule: str) -> list[str]:
    return [b.text for b in status_of(journey, now).blockers if b.rule == rule]


def test_the_spravato_weekly_cap_names_the_week_from_the_first_dose():
    journey = given_journey(
        SPRAVATO_REMS,
        [*intake_for(SPRAVATO_REMS), *series(SPRAVATO_REMS, 2, every=2 * DAY)],
    )

    assert j_rules_texts(journey, FIRST_DOSE + 5 * DAY, "J-07") == [
        "2 doses in the last 7 days (at most 2) in week 1 from the first dose: the next dose "
        "is possible from 2026-10-13 10:00 UTC."
    ]


def test_a_cap_of_one_dose_speaks_of_one_dose():
    one_a_week = replace(KAP_STANDARD, max_doses_per_7_days=1)
    journey = given_journey(
        one_a_week, [*intake_for(one_a_week), *full_session(one_a_week, 1, FIRST_DOSE)]
    )

    assert j_rules_texts(journey, FIRST_DOSE + 3 * DAY, "J-07") == [
        "1 dose in the last 7 days (at most 1): the next dose is possible from "
        "2026-10-13 10:00 UTC."
    ]


def test_the_maintenance_interval_names_the_plans_weeks_and_the_tolerance():
    journey = kap_series()
    post(journey, plan(LAST_SERIES_DOSE + DAY))

    assert j_rules_texts(journey, LAST_SERIES_DOSE + 5 * DAY, "J-07") == [
        "The maintenance plan spaces doses 4 weeks apart (less 2 days' tolerance): the next "
        "dose is possible from 2026-11-16 10:00 UTC."
    ]


def test_childbearing_potential_without_a_negative_test_asks_for_one():
    steps = intake_for(KAP_STANDARD)
    steps[2] = step("ScreeningCompleted", steps[2].occurred_at, childbearing_potential=True)
    journey = given_journey(KAP_STANDARD, [*steps, pre_dose_check(1, FIRST_DOSE)])

    assert j_rules_texts(journey, FIRST_DOSE, "J-02") == [
        "Screening recorded childbearing potential, and the pre-dose check of session 1 has "
        "no negative pregnancy test (not_applicable): test, then record a new "
        "PreDoseCheckCompleted with pregnancy_test negative."
    ]


def test_a_rems_form_for_an_undosed_session_says_it_follows_a_dose():
    journey = spravato_checked()

    assert detail_of(journey, step("RemsMonitoringFormSubmitted", FIRST_DOSE, session=1)) == (
        "J-08",
        "Session 1 has no dose: the REMS form follows a dosing session.",
    )


def test_a_plan_before_the_last_session_is_finished_asks_to_finish_it():
    steps = [
        *intake_for(KAP_STANDARD),
        *series(KAP_STANDARD, 5),
        *full_session(KAP_STANDARD, 6, LAST_SERIES_DOSE, integrate=False),
    ]
    journey = given_journey(KAP_STANDARD, steps)

    assert detail_of(journey, plan(LAST_SERIES_DOSE + DAY)) == (
        "J-09",
        "Session 6 is not finished: discharge it (and integrate it where needed) first.",
    )


def ideation_noted() -> Journey:
    exam = {"suicidal_ideation": True, "mood": "low", "affect": "flat"}
    return consulted(mental_status_exam=exam)


def cssrs_at(at: datetime) -> Step:
    return step(
        "OutcomeMeasureRecorded",
        at,
        instrument="C-SSRS",
        items=[0] * 6,
        timepoint="baseline",
        behaviour_within_3_months=False,
    )


def test_a_cssrs_taken_at_the_consultation_itself_allows_an_eligible_decision():
    journey = ideation_noted()
    post(journey, cssrs_at(START + HOUR))

    post(journey, step("ScreeningCompleted", START + DAY))

    assert journey.facts.eligible


def test_a_cssrs_a_minute_before_the_consultation_does_not_count():
    journey = ideation_noted()
    post(journey, cssrs_at(START + HOUR - MIN))

    assert detail_of(journey, step("ScreeningCompleted", START + DAY))[0] == "J-02"


def test_a_repeated_check_of_the_open_session_is_a_repeat_not_a_new_session():
    journey = kap_series()
    post(journey, plan(LAST_SERIES_DOSE + DAY, further_sessions=1))
    seventh = LAST_SERIES_DOSE + 29 * DAY
    post(journey, pre_dose_check(7, seventh))
    correct(journey, version_of(journey, "TreatmentPlanUpdated"), {"further_sessions": 0}, seventh)

    post(journey, pre_dose_check(7, seventh + HOUR))

    assert journey.facts.session(7)["pre_dose"]["at"] == seventh + 40 * MIN


def test_after_the_series_the_status_asks_for_a_treatment_plan():
    journey = kap_series()

    assert j_rules_texts(journey, LAST_SERIES_DOSE + 3 * DAY, "J-09") == [
        "6 doses given, the 6 planned are done: record TreatmentPlanUpdated for further sessions."
    ]


def test_an_ineligible_patient_is_listed_as_not_to_be_dosed():
    ineligible = step("ScreeningCompleted", START + 2 * DAY, decision="ineligible")
    journey = given_journey(KAP_STANDARD, [*intake_for(KAP_STANDARD)[:2], ineligible])

    assert j_rules_texts(journey, FIRST_DOSE, "J-13") == [
        "Screening found the patient ineligible: no dosing."
    ]


def test_a_pregnancy_test_not_recorded_at_all_is_named_none():
    steps = intake_for(KAP_STANDARD)
    steps[2] = step("ScreeningCompleted", steps[2].occurred_at, childbearing_potential=True)
    journey = given_journey(
        KAP_STANDARD, [*steps, pre_dose_check(1, FIRST_DOSE, pregnancy_test=None)]
    )

    assert j_rules_texts(journey, FIRST_DOSE, "J-02") == [
        "Screening recorded childbearing potential, and the pre-dose check of session 1 has "
        "no negative pregnancy test (none): test, then record a new PreDoseCheckCompleted "
        "with pregnancy_test negative."
    ]


def test_a_spravato_patient_not_enrolled_is_asked_for_the_enrollment():
    intake = [s for s in intake_for(SPRAVATO_REMS) if s.type != "RemsPatientEnrolled"]
    journey = given_journey(SPRAVATO_REMS, intake)

    assert j_rules_texts(journey, FIRST_DOSE, "J-16") == [
        "The patient is not enrolled in the Spravato REMS: record RemsPatientEnrolled with "
        "the enrollment id."
    ]
