"""Superbill lines from a journey's record: which services, which codes, which fees."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.billing import BillingNotReadyError, BillingPeriodError, superbill
from domain.protocols import SPRAVATO_REMS
from tests.story import START, Step, data, dosing_session, step
from tests.unit.billing.billing_story import (
    FEES,
    PRESCRIBER_NPI,
    SETTINGS,
    THERAPIST_NPI,
    clinic,
    entries_of,
    journey,
    kap_series,
    spravato_intake,
)
from tests.unit.domain.conftest import FIRST_DOSE, correct, dose, full_session, version_of


def codes(bill) -> list[str]:
    return [line.code for line in bill.lines]


def test_a_full_kap_series_bills_consultation_preparation_and_each_session():
    bill = superbill(entries_of(journey(kap_series(6))), clinic())

    session = ["99215", "90832", "96372", "90837"]
    assert codes(bill) == ["90792", "90837", *session * 6]
    consultation, preparation, visit, therapy, injection, integration = bill.lines[:6]
    assert (consultation.rendering.npi, consultation.place_of_service) == (PRESCRIBER_NPI, "11")
    assert (preparation.place_of_service, preparation.modifiers) == ("10", ["95"])
    assert (preparation.minutes, preparation.minutes_from) == (60, "clinic standard")
    assert (visit.minutes, visit.minutes_from, visit.rendering.name) == (
        75,
        "record",
        "Dr Ana Ruiz",
    )
    assert (therapy.minutes, therapy.rendering.npi) == (20, THERAPIST_NPI)
    assert (injection.units, injection.amount_cents) == (1, FEES["96372"])
    assert integration.service == "Integration (session 1)"
    assert bill.total_cents == sum(FEES[c] for c in codes(bill))
    assert bill.patient_ref == "MRN-0042"
    assert [c.staff_id for c in bill.clinicians] == ["prescriber-1", "therapist-1"]
    assert bill.notes == []


def test_dates_of_service_are_the_clinics_local_dates():
    # Session 1's dose at 22:00 Denver (MDT) is 04:00 UTC the next day.
    late = FIRST_DOSE.replace(hour=4) + timedelta(days=1)
    steps = [*kap_series(0), *dosing_session(1, late, integrate=False)]
    bill = superbill(entries_of(journey(steps)), clinic())

    assert late.date() == date(2026, 10, 7)
    assert {line.date_of_service for line in bill.lines[2:]} == {date(2026, 10, 6)}


def test_the_period_keeps_the_lines_dated_within_it_both_ends_included():
    entries = entries_of(journey(kap_series(2)))
    bill = superbill(entries, clinic(), date(2026, 10, 6), date(2026, 10, 7))

    assert codes(bill) == ["99215", "90832", "96372", "90837"]
    assert superbill(entries, clinic(), date(2026, 10, 11), None).lines == []


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(BillingPeriodError):
        superbill([], clinic(), date(2026, 10, 2), date(2026, 10, 1))


def spravato_induction(second_dose_mg: float = 84):
    """Intake, then session 1 at 56 mg and session 2 three days later."""
    second = FIRST_DOSE + timedelta(days=3)
    session_2 = full_session(SPRAVATO_REMS, 2, second)
    session_2[1] = dose(SPRAVATO_REMS, 2, second, dose_mg=second_dose_mg)
    steps = [*spravato_intake(), *full_session(SPRAVATO_REMS, 1, FIRST_DOSE), *session_2]
    return journey(steps, SPRAVATO_REMS)


def test_a_spravato_induction_bills_g2082_up_to_56_mg_and_g2083_above():
    bill = superbill(entries_of(spravato_induction()), clinic())

    dosing = [line for line in bill.lines if line.service.startswith("Dosing")]
    assert [(line.code, line.service) for line in dosing] == [
        ("G2082", "Dosing session 1: esketamine 56 mg"),
        ("G2083", "Dosing session 2: esketamine 84 mg"),
    ]
    # No E/M, add-on or injection with the G codes: they include the visit.
    assert codes(bill) == ["90792", "90837", "G2082", "G2083"]
    assert {line.rendering.npi for line in dosing} == {PRESCRIBER_NPI}


def test_a_corrected_esketamine_dose_is_billed_as_corrected():
    j = spravato_induction(56)
    second = version_of(j, "KetamineAdministered", session=2)
    correct(j, second, {"dose_mg": 84}, FIRST_DOSE + timedelta(days=3, hours=3))

    assert codes(superbill(entries_of(j), clinic()))[-2:] == ["G2082", "G2083"]


def test_a_cancelled_session_is_not_billed_and_an_undischarged_one_waits():
    check = dosing_session(1, FIRST_DOSE)[0]
    cancelled = step("DosingSessionCancelled", FIRST_DOSE - timedelta(minutes=10), session=1)
    later = FIRST_DOSE + timedelta(days=3)
    open_session = dosing_session(2, later, integrate=False)[:3]  # check, dose, therapy
    bill = superbill(
        entries_of(journey([*kap_series(0), check, cancelled, *open_session])), clinic()
    )

    assert codes(bill) == ["90792", "90837"]
    assert bill.notes == ["Dosing session 2 is not billed until its discharge."]


def test_a_correction_is_billed_as_the_entry_stands():
    j = journey(kap_series(1))
    integration = version_of(j, "IntegrationCompleted")
    correct(j, integration, {"modality": "in_person"}, FIRST_DOSE + timedelta(days=2))

    last = superbill(entries_of(j), clinic()).lines[-1]

    assert (last.service, last.place_of_service, last.modifiers) == (
        "Integration (session 1)",
        "11",
        [],
    )


def test_guided_therapy_noted_by_the_prescriber_is_the_visits_add_on():
    steps = [
        *kap_series(0),
        *_session_with_therapy(minutes=40, noted_by="prescriber"),
    ]
    bill = superbill(entries_of(journey(steps)), clinic())

    visit, therapy, injection = bill.lines[2:5]
    assert (therapy.code, therapy.rendering.staff_id) == ("90836", "prescriber-1")
    # CPT: the add-on's 40 min do not count toward the visit's 95 (check to discharge).
    assert (visit.code, visit.minutes) == ("99215", 55)
    assert injection.code == "96372"


@pytest.mark.parametrize(
    ("minutes", "by", "expected"),
    [
        (15, "therapist", None),
        (16, "therapist", "90832"),
        (37, "therapist", "90832"),
        (38, "therapist", "90834"),
        (52, "therapist", "90834"),
        (53, "therapist", "90837"),
        (15, "prescriber", None),
        (16, "prescriber", "90833"),
        (37, "prescriber", "90833"),
        (38, "prescriber", "90836"),
        (52, "prescriber", "90836"),
        (53, "prescriber", "90838"),
    ],
)
def test_guided_therapy_is_coded_by_its_minutes_at_each_band(minutes, by, expected):
    steps = [*kap_series(0), *_session_with_therapy(minutes=minutes, noted_by=by)]
    bill = superbill(entries_of(journey(steps)), clinic())

    therapy = [line.code for line in bill.lines if "guided therapy" in line.service]
    assert therapy == ([expected] if expected else [])
    if expected is None:
        assert bill.notes == [
            f"Dosing session 1: guided therapy: {minutes} min is under 16, not billed."
        ]


@pytest.mark.parametrize(
    ("visit_minutes", "expected"),
    [(19, "99213"), (20, "99213"), (29, "99213"), (30, "99214"), (39, "99214"), (40, "99215")],
)
def test_the_dosing_visit_is_levelled_by_its_time_less_the_psychotherapy(visit_minutes, expected):
    # Check 5 min before the dose, discharge 90 min after it: 95 min, less the add-on's.
    therapy = 95 - visit_minutes
    steps = [*kap_series(0), *_session_with_therapy(therapy, "prescriber", 90, check_before=5)]
    bill = superbill(entries_of(journey(steps)), clinic())

    visit = bill.lines[2]
    assert (visit.code, visit.minutes) == (expected, visit_minutes)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(15, None), (16, "90832"), (37, "90832"), (38, "90834"), (52, "90834"), (53, "90837")],
)
def test_preparation_and_integration_take_the_clinics_standard_minutes(minutes, expected):
    standard = {"preparation": minutes, "integration": minutes}
    bill = superbill(entries_of(journey(kap_series(1))), clinic(standard_minutes=standard))

    talk = [line.code for line in bill.lines if line.service.startswith(("Prep", "Integ"))]
    assert talk == ([expected, expected] if expected else [])


def test_diagnoses_come_from_the_consultation_in_force():
    consultation = step(
        "ConsultationCompleted",
        START + timedelta(hours=1),
        diagnoses=[{"code": "F33.1"}, {"code": "F43.10", "description": "PTSD"}],
    )
    bill = superbill(entries_of(journey([consultation])), clinic())

    assert [(d["code"], d["verified"]) for d in bill.diagnoses] == [
        ("F33.1", True),
        ("F43.10", True),
    ]


def test_a_clinic_without_what_a_claim_needs_is_refused_naming_each_setting():
    settings = {k: v for k, v in SETTINGS.items() if k not in ("tax_id", "billing_npi")}
    fees = {k: v for k, v in FEES.items() if k != "90837"}

    with pytest.raises(BillingNotReadyError) as refused:
        superbill(entries_of(journey(kap_series(1))), clinic(settings, fees))

    assert refused.value.missing == ["billing_npi", "tax_id", "fees.90837"]


def test_a_clinician_missing_from_the_directory_is_named_by_id_without_npi():
    steps = [*kap_series(0)]
    j = journey(steps)
    entries = entries_of(j)
    bill = superbill(entries, clinic())
    assert bill.lines[0].rendering.npi == PRESCRIBER_NPI

    c = clinic()
    c.staff.pop("therapist-1")
    bill = superbill(entries, c)
    assert (bill.lines[1].rendering.name, bill.lines[1].rendering.npi) == ("therapist-1", None)
    assert bill.notes == ["therapist-1 has no NPI in the clinic's directory."]


def _session_with_therapy(
    minutes: int, noted_by: str, discharge_after: int = 75, check_before: int = 20
) -> list[Step]:
    """Session 1: check ``check_before`` min before the dose, the dose, guided therapy
    noted ``minutes`` after it by ``noted_by``, discharge ``discharge_after`` min after it."""
    check, dose, _, vitals, discharge, *_ = dosing_session(1, FIRST_DOSE, integrate=False)
    check = Step(check.type, FIRST_DOSE - timedelta(minutes=check_before), check.data, "nurse")
    therapy = Step(
        "GuidedTherapyNoted",
        FIRST_DOSE + timedelta(minutes=minutes),
        data("GuidedTherapyNoted", session=1),
        noted_by,
    )
    out = Step(
        discharge.type, FIRST_DOSE + timedelta(minutes=discharge_after), discharge.data, "nurse"
    )
    return [check, dose, therapy, vitals, out]
