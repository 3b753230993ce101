"""J-17 (rule set 2027-1): who may record what, and the staff a dose names.

Each entry type is posted by every role onto a journey where it would otherwise be
accepted: the roles allowed record it, every other role is refused with the journey
unchanged. Journeys opened under 2026-11-01 keep accepting any role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from domain.journey import APPENDABLE, Journey
from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS, SPRAVATO_REMS_2026
from tests.story import START, Step, in_session_vitals, intake, phq9, rems_intake, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    dose,
    full_session,
    given_journey,
    post,
    pre_dose_check,
    refused,
    refused_correction,
    series,
)

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
ROLES = ("prescriber", "nurse", "therapist", "coordinator", "system")
CLINICAL = {"prescriber", "nurse", "therapist"}

WHO_MAY = {
    "ConsultationCompleted": {"prescriber"},
    "ScreeningCompleted": {"prescriber"},
    "SafetyReviewCompleted": {"prescriber"},
    "TreatmentPlanUpdated": {"prescriber"},
    "PreDoseCheckCompleted": {"nurse", "prescriber"},
    "KetamineAdministered": {"nurse", "prescriber"},
    "VitalsRecorded": {"nurse", "prescriber"},
    "PatientDischarged": {"nurse", "prescriber"},
    "GuidedTherapyNoted": {"therapist", "prescriber"},
    "IntegrationCompleted": {"therapist", "prescriber"},
    "ConsentSigned": CLINICAL,
    "PreparationCompleted": CLINICAL,
    "AdverseEventReported": CLINICAL,
    "MedicationsReconciled": CLINICAL,
    "OutcomeMeasureRecorded": set(ROLES),
    "ConsentWithdrawn": set(ROLES),
    "DosingSessionCancelled": set(ROLES),
    "RemsPatientEnrolled": set(ROLES),
    "RemsMonitoringFormSubmitted": set(ROLES),
    "JourneyPaused": set(ROLES),
    "JourneyResumed": set(ROLES),
    "JourneyClosed": set(ROLES),
    "EntryCorrected": set(ROLES),
}
"""Issue 10 item 20, and roles.py's decisions for coordinator and system."""

EARLIER_ROLE_RULE = {"SafetyReviewCompleted": "J-12", "TreatmentPlanUpdated": "J-09"}
"""Types whose own rule already refused a non-prescriber before J-17 asks."""

KAP_INTAKE = intake()
KAP_SESSION = full_session(KAP_STANDARD, 1, FIRST_DOSE)
"""Check, dose, 40-minute vitals, discharge, integration."""
SPRAVATO_SESSION = full_session(SPRAVATO_REMS, 1, FIRST_DOSE)
"""Check, dose, 40-minute vitals, discharge, REMS form."""


def _plan_after_the_series() -> tuple[Journey, Step]:
    steps = series(KAP_STANDARD, KAP_STANDARD.series_length)
    last_dose_at = FIRST_DOSE + 3 * DAY * (KAP_STANDARD.series_length - 1)
    end_of_series = phq9([1, 1, 1, 1, 1, 1, 1, 1, 0], last_dose_at + DAY, "end_of_series")
    journey = given_journey(KAP_STANDARD, [*KAP_INTAKE, *steps, end_of_series])
    return journey, step("TreatmentPlanUpdated", last_dose_at + DAY + HOUR)


def _kap(prior: list[Step], entry: Step) -> Callable[[], tuple[Journey, Step]]:
    return lambda: (given_journey(KAP_STANDARD, prior), entry)


def _spravato(prior: list[Step], entry: Step) -> Callable[[], tuple[Journey, Step]]:
    return lambda: (given_journey(SPRAVATO_REMS, prior), entry)


AFTER_INTAKE = START + 4 * DAY + HOUR
PAUSED = step("JourneyPaused", AFTER_INTAKE)
SPRAVATO_PATHWAY = intake(route="intranasal")[:5]

WHERE_ACCEPTED: dict[str, Callable[[], tuple[Journey, Step]]] = {
    "ConsultationCompleted": _kap([], step("ConsultationCompleted", START + HOUR)),
    "OutcomeMeasureRecorded": _kap(KAP_INTAKE[:1], KAP_INTAKE[1]),
    "ScreeningCompleted": _kap(KAP_INTAKE[:2], KAP_INTAKE[2]),
    "ConsentSigned": _kap(KAP_INTAKE[:3], KAP_INTAKE[3]),
    "PreparationCompleted": _kap(KAP_INTAKE[:4], KAP_INTAKE[4]),
    "ConsentWithdrawn": _kap(KAP_INTAKE, step("ConsentWithdrawn", AFTER_INTAKE)),
    "SafetyReviewCompleted": _kap(KAP_INTAKE, step("SafetyReviewCompleted", AFTER_INTAKE)),
    "MedicationsReconciled": _kap(KAP_INTAKE, step("MedicationsReconciled", AFTER_INTAKE)),
    "JourneyPaused": _kap(KAP_INTAKE, PAUSED),
    "JourneyResumed": _kap([*KAP_INTAKE, PAUSED], step("JourneyResumed", AFTER_INTAKE + HOUR)),
    "JourneyClosed": _kap(KAP_INTAKE, step("JourneyClosed", AFTER_INTAKE)),
    "PreDoseCheckCompleted": _kap(KAP_INTAKE, KAP_SESSION[0]),
    "KetamineAdministered": _kap(KAP_INTAKE + KAP_SESSION[:1], KAP_SESSION[1]),
    "DosingSessionCancelled": _kap(
        KAP_INTAKE + KAP_SESSION[:1], step("DosingSessionCancelled", FIRST_DOSE, session=1)
    ),
    "VitalsRecorded": _kap(KAP_INTAKE + KAP_SESSION[:2], KAP_SESSION[2]),
    "GuidedTherapyNoted": _kap(
        KAP_INTAKE + KAP_SESSION[:2], step("GuidedTherapyNoted", FIRST_DOSE + 20 * MINUTE)
    ),
    "AdverseEventReported": _kap(
        KAP_INTAKE + KAP_SESSION[:2], step("AdverseEventReported", FIRST_DOSE + 30 * MINUTE)
    ),
    "PatientDischarged": _kap(KAP_INTAKE + KAP_SESSION[:3], KAP_SESSION[3]),
    "IntegrationCompleted": _kap(KAP_INTAKE + KAP_SESSION[:4], KAP_SESSION[4]),
    "RemsPatientEnrolled": _spravato(SPRAVATO_PATHWAY, rems_intake(AFTER_INTAKE)[0]),
    "RemsMonitoringFormSubmitted": _spravato(
        intake(route="intranasal") + SPRAVATO_SESSION[:4], SPRAVATO_SESSION[4]
    ),
    "TreatmentPlanUpdated": _plan_after_the_series,
}

CASES = [(t, role) for t in sorted(WHERE_ACCEPTED) for role in ROLES]


def test_every_appendable_type_has_a_decision_on_who_may_record_it():
    assert set(WHO_MAY) == set(APPENDABLE)
    assert set(WHERE_ACCEPTED) == set(APPENDABLE) - {"EntryCorrected"}


@pytest.mark.parametrize(
    ("type_name", "role"), [c for c in CASES if c[1] in WHO_MAY[c[0]]], ids="-".join
)
def test_an_allowed_role_records_the_entry(type_name, role):
    journey, entry = WHERE_ACCEPTED[type_name]()
    version = journey.version

    post(journey, replace(entry, role=role))

    assert journey.version == version + 1
    assert type(journey.pending_events[-1]).__name__ == type_name
    assert role in journey.facts.staff_seen[f"{role}-1"]


@pytest.mark.parametrize(
    ("type_name", "role"), [c for c in CASES if c[1] not in WHO_MAY[c[0]]], ids="-".join
)
def test_any_other_role_is_refused_under_j17(type_name, role):
    journey, entry = WHERE_ACCEPTED[type_name]()

    violation = refused(journey, replace(entry, role=role))

    if type_name in EARLIER_ROLE_RULE:
        assert violation.rule == EARLIER_ROLE_RULE[type_name]
        assert "prescriber" in violation.detail
        return
    assert violation.rule == "J-17"
    assert type_name in violation.detail
    assert f"recording as {role}" in violation.detail
    assert all(allowed in violation.detail for allowed in WHO_MAY[type_name])


def test_the_refusal_names_the_recorder_and_every_role_allowed():
    journey, entry = WHERE_ACCEPTED["PatientDischarged"]()

    violation = refused(journey, replace(entry, role="therapist"))

    assert violation.detail == (
        "PatientDischarged is recorded or corrected by a nurse or prescriber; "
        "therapist-1 is recording as therapist: have a nurse or prescriber record it."
    )


# Overrides: the prescriber decides; the recorder need not be that prescriber.

PRESCRIBER_OVERRIDE = {"by": {"id": "prescriber-1", "role": "prescriber"}, "reason": "Reviewed."}
NURSE_OVERRIDE = {"by": {"id": "nurse-1", "role": "nurse"}, "reason": "Looks fine."}


def test_a_nurse_records_a_discharge_with_a_prescribers_override():
    journey, entry = WHERE_ACCEPTED["PatientDischarged"]()

    post(journey, replace(entry, data={**entry.data, "override": PRESCRIBER_OVERRIDE}))

    assert journey.facts.session(1)["discharge"] is not None


def test_a_discharge_override_by_a_nurse_is_refused_under_j17():
    journey, entry = WHERE_ACCEPTED["PatientDischarged"]()

    violation = refused(journey, replace(entry, data={**entry.data, "override": NURSE_OVERRIDE}))

    assert violation.rule == "J-17"
    assert "nurse-1 as nurse" in violation.detail
    assert "role prescriber" in violation.detail


def test_a_prescriber_records_a_discharge_with_an_override_of_their_own():
    journey, entry = WHERE_ACCEPTED["PatientDischarged"]()

    post(
        journey,
        replace(entry, role="prescriber", data={**entry.data, "override": PRESCRIBER_OVERRIDE}),
    )

    assert journey.facts.session(1)["discharge"] is not None


def test_a_correction_that_gives_a_discharge_a_nurses_override_is_refused_under_j17():
    journey = given_journey(KAP_STANDARD, KAP_INTAKE + KAP_SESSION[:4])
    discharge_version = journey.version

    violation = refused_correction(
        journey, discharge_version, {"override": NURSE_OVERRIDE}, FIRST_DOSE + 3 * HOUR
    )

    assert getattr(violation, "rule", None) == "J-17"
    assert "An override is a prescriber's decision" in str(violation)


# Journeys opened under 2026-11-01 accept every role, as they did.


@pytest.mark.parametrize(
    "profile", [KAP_STANDARD_2026, SPRAVATO_REMS_2026], ids=["kap", "spravato"]
)
def test_under_2026_11_01_any_role_records_anything_and_names_anyone(profile):
    coordinator_intake = [replace(s, role="coordinator") for s in intake(route=_route(profile))]
    journey = given_journey(profile, [*coordinator_intake, pre_dose_check(1, FIRST_DOSE)])
    strangers = {"therapist_present": "ther-zoe", "prescriber_on_site": "dr-new"}

    post(journey, replace(dose(profile, 1, FIRST_DOSE, **strangers), role="therapist"))
    post(journey, replace(in_session_vitals(1, FIRST_DOSE), role="system"))

    assert journey.facts.session(1)["dose"]["therapist_present"] == "ther-zoe"
    assert journey.facts.screening is not None


def _route(profile: object) -> str:
    return "intranasal" if profile in (SPRAVATO_REMS, SPRAVATO_REMS_2026) else "im"
