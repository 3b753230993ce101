"""What staff read when a rule refuses or a session waits: the exact guidance of each
refusal (its rule id and what would satisfy it), and the branches the broader tests pass
by (one resolved sign, a minimum no one may override, two identifying fields at once).

These pin the sentences staff act on, so a reworded or broken guidance shows up here."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS
from domain.rules.discharge import listed
from tests.story import Step, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    dose,
    full_session,
    given_journey,
    intake_for,
    open_journey,
    post,
    pre_dose_check,
    ready_to_dose,
    refused,
    series,
    status_of,
)

SEC = timedelta(seconds=1)
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def dosed(profile=KAP_STANDARD):
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE))
    return journey


def booster(profile=KAP_STANDARD, at=FIRST_DOSE + 20 * MIN, number: int = 1):
    return dose(profile, number, at, booster=True, dose_mg=15)


# --- discharge: what staff read while they watch (J-10) ---------------------------------


def test_one_word_is_listed_alone_and_several_end_with_and():
    assert listed(["sedation"]) == "sedation"
    assert listed(["sedation", "dissociation"]) == "sedation and dissociation"
    assert listed(["a", "b", "c"]) == "a, b and c"


def test_a_profile_needing_one_sign_resolved_says_it_has_resolved():
    one_sign = replace(KAP_STANDARD, discharge_resolved_required=["sedation"])
    journey = dosed(one_sign)
    post(journey, step("VitalsRecorded", FIRST_DOSE + 40 * MIN, session=1))

    status = status_of(journey, FIRST_DOSE + 41 * MIN)

    assert status.next_step.code == "discharge"
    assert status.next_step.text == (
        "Discharge session 1 from 2026-10-06 11:00 UTC once sedation has resolved."
    )


def test_a_profile_needing_two_signs_resolved_says_they_have_resolved():
    journey = dosed(KAP_STANDARD)
    post(journey, step("VitalsRecorded", FIRST_DOSE + 40 * MIN, session=1))

    text = status_of(journey, FIRST_DOSE + 41 * MIN).next_step.text

    assert text.endswith("once sedation and dissociation have resolved.")


def test_a_discharge_at_the_moment_of_the_dose_reads_zero_minutes_observed():
    journey = dosed(KAP_STANDARD)

    violation = refused(journey, discharge(1, FIRST_DOSE))

    assert violation.rule == "J-10"
    assert violation.detail.startswith("Only 0 min observed since the dose of session 1")


def test_the_spravato_minimum_is_named_the_rems_minimum():
    journey = dosed(SPRAVATO_REMS)

    violation = refused(journey, discharge(1, FIRST_DOSE + HOUR))

    assert violation.rule == "J-10"
    assert "; the REMS minimum cannot be overridden, not even by a prescriber." in (
        violation.detail
    )


def test_a_minimum_without_override_outside_the_rems_is_named_the_protocols():
    strict = replace(KAP_STANDARD, observation_override_allowed=False)
    journey = dosed(strict)
    post(journey, step("VitalsRecorded", FIRST_DOSE + 40 * MIN, session=1))

    violation = refused(journey, discharge(1, FIRST_DOSE + 50 * MIN))

    assert violation.rule == "J-10"
    assert "; the protocol's minimum cannot be overridden, not even by a prescriber." in (
        violation.detail
    )


# --- adverse events (J-15) ---------------------------------------------------------------


def test_an_adverse_event_resolved_before_its_onset_says_to_send_the_times_as_they_were():
    journey = dosed(KAP_STANDARD)
    onset = FIRST_DOSE + 10 * MIN
    event = step(
        "AdverseEventReported",
        onset + HOUR,
        onset_at=onset.isoformat(),
        resolved_at=(onset - MIN).isoformat(),
    )

    violation = refused(journey, event)

    assert violation.rule == "J-15"
    assert violation.detail.endswith(
        "an adverse event resolves at or after its onset; send the times as they were."
    )


# --- pathway (J-03, J-12, J-13) ----------------------------------------------------------


def test_withdrawing_consent_never_given_is_refused_with_its_reason():
    journey = open_journey(KAP_STANDARD)

    violation = refused(journey, step("ConsentWithdrawn", FIRST_DOSE))

    assert (violation.rule, violation.detail) == ("J-03", "There is no active consent to withdraw.")


def test_a_2026_safety_review_by_a_nurse_is_refused_naming_the_prescriber():
    journey = given_journey(KAP_STANDARD_2026, intake_for(KAP_STANDARD_2026))
    review = Step(
        "SafetyReviewCompleted", FIRST_DOSE, step("SafetyReviewCompleted", FIRST_DOSE).data, "nurse"
    )

    violation = refused(journey, review)

    assert (violation.rule, violation.detail) == (
        "J-12",
        "A safety review must be recorded by a prescriber (recorded_by.role).",
    )


def test_pausing_a_paused_journey_is_refused_as_already_paused():
    journey = given_journey(KAP_STANDARD, [step("JourneyPaused", FIRST_DOSE)])

    violation = refused(journey, step("JourneyPaused", FIRST_DOSE + HOUR))

    assert (violation.rule, violation.detail) == ("J-13", "The journey is already paused.")


def test_resuming_a_journey_not_paused_is_refused_as_nothing_to_resume():
    journey = open_journey(KAP_STANDARD)

    violation = refused(journey, step("JourneyResumed", FIRST_DOSE))

    assert (violation.rule, violation.detail) == (
        "J-13",
        "The journey is not paused: nothing to resume.",
    )


# --- boosters (J-04, J-07, J-08) -----------------------------------------------------------


def test_a_booster_where_the_profile_allows_none_is_recorded_as_the_next_sessions_dose():
    journey = dosed(SPRAVATO_REMS)

    violation = refused(journey, booster(SPRAVATO_REMS))

    assert violation.rule == "J-07"
    assert violation.detail.endswith(
        "allows no boosters: a further dose is the next session's, recorded without booster."
    )


def test_a_booster_before_the_first_dose_says_to_record_that_dose_first():
    journey = ready_to_dose(KAP_STANDARD)

    violation = refused(journey, booster())

    assert violation.rule == "J-08"
    assert violation.detail.endswith("record that dose without booster first.")


def test_a_booster_after_discharge_says_a_further_dose_is_the_next_sessions():
    journey = dosed(KAP_STANDARD)
    post(journey, step("VitalsRecorded", FIRST_DOSE + 40 * MIN, session=1))
    post(journey, discharge(1, FIRST_DOSE + 75 * MIN))

    violation = refused(journey, booster(at=FIRST_DOSE + 76 * MIN))

    assert violation.rule == "J-08"
    assert violation.detail.endswith(
        "a booster is given before discharge; a further dose is the next session's."
    )


def test_a_booster_after_consent_is_withdrawn_says_to_record_consent():
    journey = dosed(KAP_STANDARD)
    post(journey, step("ConsentWithdrawn", FIRST_DOSE + 10 * MIN))

    violation = refused(journey, booster())

    assert violation.rule == "J-04"
    assert violation.detail == (
        "No active consent: no further administration; record ConsentSigned."
    )


# --- the pre-dose check's times (J-04) ---------------------------------------------------


def test_an_expired_pre_dose_check_names_when_it_expired():
    journey = ready_to_dose(KAP_STANDARD)

    violation = refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE + HOUR))

    assert violation.rule == "J-04"
    assert "The pre-dose check of session 1 expired at 2026-10-06 10:40 UTC (valid 60 min)" in (
        violation.detail
    )


# --- REMS monitoring forms (J-16) --------------------------------------------------------


def test_an_overdue_rems_form_is_the_next_step_with_its_deadline():
    journey = given_journey(
        SPRAVATO_REMS,
        [*intake_for(SPRAVATO_REMS), *full_session(SPRAVATO_REMS, 1, FIRST_DOSE, rems_form=False)],
    )

    next_step = status_of(journey, FIRST_DOSE + 7 * DAY + MIN).next_step

    assert next_step.code == "submit_rems_form"
    assert next_step.text == (
        "Submit the REMS monitoring form of session 1: it was due 2026-10-13 10:00 UTC."
    )


# --- roles (J-17) --------------------------------------------------------------------------


def test_an_entry_open_to_three_roles_names_all_three():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD)[:3])
    consent = Step(
        "ConsentSigned", FIRST_DOSE, step("ConsentSigned", FIRST_DOSE).data, "coordinator"
    )

    violation = refused(journey, consent)

    assert violation.rule == "J-17"
    assert violation.detail == (
        "ConsentSigned is recorded or corrected by a prescriber, nurse or therapist; "
        "coordinator-1 is recording as coordinator: have a prescriber, nurse or therapist "
        "record it."
    )


# --- where a session stands -------------------------------------------------------------


def test_a_cancelled_session_leaves_the_journey_awaiting_the_next_check():
    journey = ready_to_dose(KAP_STANDARD)
    post(journey, step("DosingSessionCancelled", FIRST_DOSE, session=1))

    assert status_of(journey, FIRST_DOSE + MIN).session_state == "awaiting_pre_dose_check"


# --- the discharge record itself (J-10) --------------------------------------------------

OVERRIDE = {"by": {"id": "prescriber-1", "role": "prescriber"}, "reason": "Stable."}


def watched(profile, reading: bool = True):
    journey = dosed(profile)
    if reading:
        post(journey, step("VitalsRecorded", FIRST_DOSE + 40 * MIN, session=1))
    return journey


def spravato_out(**changes):
    return discharge(1, FIRST_DOSE + 120 * MIN, **changes)


def test_an_unresolved_discharge_names_each_finding_and_that_nothing_overrides_it():
    journey = watched(SPRAVATO_REMS)

    violation = refused(journey, spravato_out(sedation_resolved=False, dissociation_resolved=None))

    assert violation.detail == (
        "Discharge of session 1 needs sedation, dissociation and respiratory depression "
        "resolved (sedation_resolved is false; dissociation_resolved is missing): record each "
        "as true once resolved; no override."
    )


def test_a_spravato_discharge_without_spo2_asks_for_pulse_oximetry():
    journey = watched(SPRAVATO_REMS)
    vitals = {"systolic": 128, "diastolic": 82, "heart_rate": 74}

    violation = refused(journey, spravato_out(vitals=vitals))

    assert violation.detail == (
        "Discharge vitals of session 1 need SpO2 under spravato-rems (pulse oximetry): "
        "add vitals.spo2."
    )


def test_discharge_vitals_outside_the_limits_are_each_named_with_the_way_out():
    journey = watched(SPRAVATO_REMS)
    vitals = {"systolic": 161, "diastolic": 82, "heart_rate": 111, "spo2": 93}

    violation = refused(journey, spravato_out(vitals=vitals))

    assert violation.detail == (
        "Discharge vitals of session 1 are outside the limits (systolic 161 above 160, "
        "heart_rate 111 above 110, spo2 93 below 94): repeat them once within the limits, "
        "or record a prescriber's override (role prescriber) with a reason."
    )


def test_a_spravato_discharge_without_the_window_reading_names_the_window():
    journey = watched(SPRAVATO_REMS, reading=False)

    violation = refused(journey, spravato_out())

    assert violation.detail == (
        "Discharge of session 1 needs its in-session monitoring. Record the 40-minute "
        "reading of session 1 from 2026-10-06 10:30 UTC, within 20 minutes."
    )


def test_a_kap_discharge_without_a_reading_asks_for_one():
    journey = watched(KAP_STANDARD, reading=False)

    violation = refused(journey, discharge(1, FIRST_DOSE + 60 * MIN))

    assert violation.detail == (
        "Discharge of session 1 needs its in-session monitoring. Record a vitals reading of "
        "session 1 (VitalsRecorded) before discharge."
    )


def test_an_early_kap_discharge_names_the_minimum_the_time_and_the_override():
    journey = watched(KAP_STANDARD)

    violation = refused(journey, discharge(1, FIRST_DOSE + 59 * MIN))

    assert violation.detail == (
        "Only 59 min observed since the dose of session 1: discharge needs at least 60 min, "
        "so not before 2026-10-06 11:00 UTC (or a prescriber's override with a reason)."
    )


def test_an_override_lifts_the_early_kap_discharge_but_not_the_missing_escort():
    journey = watched(KAP_STANDARD)

    violation = refused(
        journey, discharge(1, FIRST_DOSE + 59 * MIN, override=OVERRIDE, released_to=None)
    )

    assert violation.detail == "Discharge needs an escort: name released_to."


# --- medication reconciliation before a Spravato dose (J-07) -----------------------------


def test_a_spravato_dose_a_month_after_the_reconciliation_names_the_last_one():
    later = FIRST_DOSE + 31 * DAY
    rebaselined = phq9([2] * 8 + [0], later - DAY)
    journey = given_journey(
        SPRAVATO_REMS, [*intake_for(SPRAVATO_REMS), rebaselined, pre_dose_check(1, later)]
    )

    violation = refused(journey, dose(SPRAVATO_REMS, 1, later))

    assert (violation.rule, violation.detail) == (
        "J-07",
        "No medication reconciliation within 30 days before the dose (the last was on "
        "2026-10-05): record MedicationsReconciled with the patient's current medications.",
    )


def test_a_spravato_dose_with_no_reconciliation_ever_asks_for_one():
    intake = [s for s in intake_for(SPRAVATO_REMS) if s.type != "MedicationsReconciled"]
    journey = given_journey(SPRAVATO_REMS, [*intake, pre_dose_check(1, FIRST_DOSE)])

    violation = refused(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE))

    assert (violation.rule, violation.detail) == (
        "J-07",
        "No medication reconciliation within 30 days before the dose: record "
        "MedicationsReconciled with the patient's current medications.",
    )


# --- REMS entries and the weekly cap (J-16, J-07) -----------------------------------------


def test_a_rems_enrollment_outside_the_rems_says_which_protocol_has_one():
    journey = open_journey(KAP_STANDARD)

    violation = refused(journey, step("RemsPatientEnrolled", FIRST_DOSE))

    assert (violation.rule, violation.detail) == (
        "J-16",
        "RemsPatientEnrolled belongs to the Spravato REMS: this journey follows kap-standard "
        "2027-1, which has none; open the journey under spravato-rems.",
    )


def test_the_weekly_cap_counts_a_dose_given_at_that_very_moment():
    third = FIRST_DOSE + 2 * DAY
    journey = given_journey(
        KAP_STANDARD, [*intake_for(KAP_STANDARD), *series(KAP_STANDARD, 3, every=DAY)]
    )

    texts = [b.text for b in status_of(journey, third).blockers if b.rule == "J-07"]

    assert (
        "3 doses in the last 7 days (at most 3): the next dose is possible from "
        "2026-10-13 10:00 UTC."
    ) in texts


def test_a_limit_the_profile_does_not_set_leaves_the_others_checked():
    no_systolic_limit = replace(SPRAVATO_REMS, discharge_max_systolic=None)
    journey = watched(no_systolic_limit)
    vitals = {"systolic": 200, "diastolic": 82, "heart_rate": 111, "spo2": 98}

    violation = refused(journey, spravato_out(vitals=vitals))

    assert "(heart_rate 111 above 110)" in violation.detail


# --- what a dose still needs, as the status lists it (J-02, J-04, J-06) ---------------------


def blocker_texts(journey, now=FIRST_DOSE):
    return [(b.rule, b.text) for b in status_of(journey, now).blockers]


def test_a_journey_just_opened_lists_each_step_before_a_dose():
    journey = open_journey(KAP_STANDARD)

    assert blocker_texts(journey) == [
        ("J-04", "No eligible screening: record ScreeningCompleted (eligible)."),
        ("J-04", "No active consent: record ConsentSigned."),
        ("J-04", "Preparation not done: record PreparationCompleted."),
        (
            "J-04",
            "No baseline PHQ-9 within 30 days before the first dose: record "
            "OutcomeMeasureRecorded (PHQ-9, timepoint baseline).",
        ),
        ("J-04", "No pre-dose check for session 1: record PreDoseCheckCompleted."),
    ]


def test_a_pre_dose_check_with_every_finding_lists_each_with_its_way_out():
    check = pre_dose_check(
        1,
        FIRST_DOSE,
        food_before=5 * HOUR,
        liquid_before=HOUR,
        alcohol_or_drugs_last_24h=True,
        transport={"arranged": False},
        pregnancy_test="positive",
        vitals={"systolic": 150, "diastolic": 85, "heart_rate": 80},
    )
    journey = given_journey(KAP_STANDARD, [*intake_for(KAP_STANDARD), check])

    assert blocker_texts(journey) == [
        ("J-04", "Fasting from food not met: 6 h are needed, so not before 2026-10-06 11:00 UTC."),
        (
            "J-04",
            "Fasting from clear liquids not met: 2 h are needed, so not before "
            "2026-10-06 11:00 UTC.",
        ),
        ("J-04", "Alcohol or drugs in the last 24 h: no dose today."),
        ("J-04", "No transport home arranged: arrange an escort."),
        ("J-02", "Positive pregnancy test: ketamine is contraindicated."),
        (
            "J-06",
            "Pre-dose BP 150/85 of session 1 is above 140/90: the dose needs an override by a "
            "prescriber with a reason.",
        ),
    ]


def test_a_dose_timed_before_its_check_names_when_the_check_was_taken():
    journey = ready_to_dose(KAP_STANDARD)

    assert blocker_texts(journey, FIRST_DOSE - 30 * MIN) == [
        (
            "J-04",
            "The dose is timed before the pre-dose check of session 1 (2026-10-06 09:40 UTC): "
            "a dose follows its check.",
        )
    ]


def test_vitals_beyond_the_hold_name_every_limit_including_the_2027_diastolic():
    high = {"systolic": 190, "diastolic": 85, "heart_rate": 80}
    journey = given_journey(
        KAP_STANDARD, [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE, vitals=high)]
    )

    assert blocker_texts(journey) == [
        (
            "J-06",
            "Pre-dose vitals of session 1 (BP 190/85, HR 80) are beyond the hold limits (SBP "
            "90-180, DBP at most 110, HR 50-150): the dose is held, no override; record "
            "DosingSessionCancelled or a new pre-dose check.",
        )
    ]


def test_under_2026_11_01_the_hold_names_no_diastolic_limit():
    high = {"systolic": 190, "diastolic": 85, "heart_rate": 80}
    legacy = KAP_STANDARD_2026
    journey = given_journey(
        legacy, [*intake_for(legacy), pre_dose_check(1, FIRST_DOSE, vitals=high)]
    )

    assert blocker_texts(journey) == [
        (
            "J-06",
            "Pre-dose vitals of session 1 (BP 190/85, HR 80) are beyond the hold limits (SBP "
            "90-180, HR 50-150): the dose is held, no override; record DosingSessionCancelled "
            "or a new pre-dose check.",
        )
    ]


# --- who may record what (J-17) and plausible times (J-15) --------------------------------


def test_an_override_by_a_nurse_names_who_it_names_and_who_should_decide():
    journey = watched(KAP_STANDARD)
    override = {"by": {"id": "nurse-1", "role": "nurse"}, "reason": "Fine."}

    violation = refused(journey, discharge(1, FIRST_DOSE + 60 * MIN, override=override))

    assert (violation.rule, violation.detail) == (
        "J-17",
        "An override is a prescriber's decision; it names nurse-1 as nurse: name the "
        "prescriber who decided (role prescriber).",
    )


def test_a_dose_naming_an_unknown_therapist_says_how_to_make_them_known():
    journey = ready_to_dose(KAP_STANDARD)

    violation = refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, therapist_present="t-9"))

    assert (violation.rule, violation.detail) == (
        "J-17",
        "therapist_present names t-9, who is unknown here, never as therapist: record an "
        "entry by t-9 as therapist first, e.g. the preparation (PreparationCompleted) or the "
        "baseline measure.",
    )


def test_a_dose_naming_a_prescriber_seen_in_another_role_says_which():
    journey = ready_to_dose(SPRAVATO_REMS)

    s = dose(SPRAVATO_REMS, 1, FIRST_DOSE, prescriber_on_site="nurse-1")
    violation = refused(journey, s)

    assert (violation.rule, violation.detail) == (
        "J-17",
        "prescriber_on_site names nurse-1, who has recorded here only as nurse, never as "
        "prescriber: record an entry by nurse-1 as prescriber first, e.g. the consultation "
        "(ConsultationCompleted) or the screening decision.",
    )


def test_an_entry_from_the_future_names_the_latest_time_accepted():
    journey = open_journey(KAP_STANDARD)
    s = step("ConsultationCompleted", FIRST_DOSE + 6 * MIN)

    violation = refused(journey, s, recorded_at=FIRST_DOSE)

    assert (violation.rule, violation.detail) == (
        "J-15",
        "occurred_at 2026-10-06T10:06:00+00:00 is in the future; send a time no later than "
        "2026-10-06T10:05:00+00:00.",
    )


def test_an_entry_before_the_journey_opened_names_when_it_opened():
    journey = open_journey(KAP_STANDARD)
    s = step("ConsultationCompleted", FIRST_DOSE - 10 * DAY)

    violation = refused(journey, s)

    assert (violation.rule, violation.detail) == (
        "J-15",
        "occurred_at 2026-09-26T10:00:00+00:00 is before the journey opened "
        "(2026-10-01T09:00:00+00:00); send a time on or after it.",
    )


# --- interactions a prescriber reviews (J-07) -----------------------------------------------


def test_each_interacting_class_on_the_list_gives_its_own_note():
    listed_at = FIRST_DOSE - DAY
    medications = [
        {"name": n, "class": c, "dose": "as prescribed"}
        for n, c in [
            ("lorazepam", "benzodiazepine"),
            ("lamotrigine", "lamotrigine"),
            ("phenelzine", "maoi"),
            ("methylphenidate", "stimulant"),
            ("tramadol", "opioid"),
            ("zolpidem", "other_cns_depressant"),
            ("sertraline", "antidepressant"),
            ("vitamin d", "other"),
        ]
    ]
    journey = given_journey(
        KAP_STANDARD, [step("MedicationsReconciled", listed_at, medications=medications)]
    )

    notes = [d.text for d in status_of(journey, FIRST_DOSE).flag_details["interaction_review"]]

    assert sorted(notes) == [
        "Benzodiazepines may blunt the response to ketamine.",
        "Lamotrigine may blunt the response to ketamine.",
        "MAOIs can raise blood pressure: monitor it closely.",
        "Opioids add to sedation and respiratory depression.",
        "Other CNS depressants add to sedation.",
        "Stimulants can raise blood pressure: monitor it closely.",
    ]
