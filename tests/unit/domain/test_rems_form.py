"""A Spravato session's Patient Monitoring Form, filled from the record (issue 10, item 7)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.protocols import SPRAVATO_REMS, SPRAVATO_REMS_2026
from domain.rems_form import FormEffect, rems_form
from tests.story import step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    discharge_time,
    dose,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
)

MIN = timedelta(minutes=1)
OUT = discharge_time(SPRAVATO_REMS, FIRST_DOSE)


def vitals_at(minutes: int, **vitals: int):
    reading = {"systolic": 130, "diastolic": 84, "heart_rate": 78, **vitals}
    return step("VitalsRecorded", FIRST_DOSE + minutes * MIN, session=1, vitals=reading)


def session_one(
    profile=SPRAVATO_REMS, *, readings=(40,), spo2=True, out=True, intake=None, **dose_changes
):
    oximetry = {"spo2": 97} if spo2 else {}
    steps = [
        *(intake if intake is not None else intake_for(profile)),
        pre_dose_check(1, FIRST_DOSE),
        dose(profile, 1, FIRST_DOSE, **dose_changes),
        *(vitals_at(m, **oximetry) for m in readings),
    ]
    if out:
        steps.append(discharge(1, OUT))
    return given_journey(profile, steps)


def form_of(journey, number=1):
    return rems_form(journey.facts, journey.facts.session(number))


def test_a_complete_session_fills_every_field_of_the_form():
    form = form_of(session_one())

    assert form.enrollment_id == "SPR-PT-55012"
    assert (form.dose_mg, form.devices, form.lot_number) == (56, 2, "KET-2026-118")
    assert form.administered_at == FIRST_DOSE
    assert form.blood_pressure_before.minutes_after_dose == -20
    assert (form.blood_pressure_before.systolic, form.blood_pressure_before.spo2) == (128, 98)
    assert form.blood_pressure_at_40_minutes.minutes_after_dose == 40
    assert form.blood_pressure_at_40_minutes.spo2 == 97
    assert form.blood_pressure_at_discharge.at == OUT
    assert (
        form.sedation
        == form.dissociation
        == form.respiratory_depression
        == FormEffect(occurred=False, resolved=True)
    )
    assert (form.discharged_at, form.monitoring_minutes) == (OUT, 130)
    assert form.concomitant_medications == [
        {"name": "sertraline", "class": "antidepressant", "dose": "100 mg daily"}
    ]
    assert form.adverse_events == []
    assert form.due_at == FIRST_DOSE + timedelta(days=7)
    assert form.submitted_at is None
    assert form.missing == []


@pytest.mark.parametrize(("dose_mg", "devices"), [(28, 1), (56, 2), (84, 3)])
def test_each_device_holds_28_mg(dose_mg, devices):
    form = form_of(session_one(SPRAVATO_REMS_2026, dose_mg=dose_mg))

    assert (form.dose_mg, form.devices) == (dose_mg, devices)


def test_a_dose_that_is_no_whole_number_of_devices_leaves_devices_missing():
    any_dose = replace(SPRAVATO_REMS_2026, allowed_doses_mg=None)

    form = form_of(session_one(any_dose, dose_mg=57.0))

    assert form.devices is None
    assert "devices" in form.missing


def test_a_reading_without_spo2_names_its_spo2_missing():
    form = form_of(session_one(spo2=False))

    assert form.blood_pressure_at_40_minutes.spo2 is None
    assert "blood_pressure_at_40_minutes.spo2" in form.missing


@pytest.mark.parametrize(
    ("readings", "chosen"),
    [((25, 45), 45), ((34, 47), 34), ((20, 55), 55), ((39, 41), 39), ((-5, 70), 70)],
)
def test_the_40_minute_reading_is_the_one_closest_to_40_minutes_after_the_dose(readings, chosen):
    form = form_of(session_one(SPRAVATO_REMS_2026, readings=readings))

    assert form.blood_pressure_at_40_minutes.minutes_after_dose == chosen


def test_a_reading_in_the_profiles_window_is_taken_before_one_closer_to_40_outside_it():
    late_window = replace(SPRAVATO_REMS, monitoring_reading_minutes=[45, 60])

    form = form_of(session_one(late_window, readings=(40, 45, 44)))

    assert form.blood_pressure_at_40_minutes.minutes_after_dose == 45


def test_without_an_in_session_reading_the_40_minute_one_is_missing():
    form = form_of(session_one(SPRAVATO_REMS_2026, readings=()))

    assert form.blood_pressure_at_40_minutes is None
    assert form.missing == ["blood_pressure_at_40_minutes"]


def test_before_discharge_the_discharge_fields_and_the_effects_are_missing():
    form = form_of(session_one(out=False))

    assert form.blood_pressure_at_discharge is None
    assert form.sedation == FormEffect(occurred=None, resolved=None)
    assert form.missing == [
        "blood_pressure_at_discharge",
        "sedation.occurred",
        "sedation.resolved",
        "dissociation.occurred",
        "dissociation.resolved",
        "respiratory_depression.occurred",
        "respiratory_depression.resolved",
        "discharged_at",
        "monitoring_minutes",
    ]


def test_adverse_events_of_the_session_fill_the_effects_and_the_list():
    journey = session_one(out=False)
    post(
        journey,
        step("AdverseEventReported", FIRST_DOSE + 30 * MIN, session=1, kind="excessive_sedation"),
    )
    post(journey, step("AdverseEventReported", FIRST_DOSE + 35 * MIN, session=1, kind="nausea"))
    post(journey, discharge(1, OUT))

    form = form_of(journey)

    assert form.sedation == FormEffect(occurred=True, resolved=True)
    assert form.dissociation.occurred is False
    assert [e["kind"] for e in form.adverse_events] == ["excessive_sedation", "nausea"]


def test_a_legacy_journey_leaves_enrollment_medications_and_resolution_missing():
    rems_steps = {"RemsPatientEnrolled", "MedicationsReconciled"}
    intake = [s for s in intake_for(SPRAVATO_REMS_2026) if s.type not in rems_steps]
    journey = session_one(SPRAVATO_REMS_2026, intake=intake, out=False, lot_number=None)
    legacy_out = discharge(1, OUT)
    for field in ("sedation_resolved", "dissociation_resolved", "respiratory_depression_resolved"):
        legacy_out.data.pop(field)
    post(journey, legacy_out)

    assert form_of(journey).missing == [
        "enrollment_id",
        "lot_number",
        "sedation.resolved",
        "dissociation.resolved",
        "respiratory_depression.resolved",
        "concomitant_medications",
    ]


def test_the_medications_are_the_list_in_force_at_the_dose():
    journey = session_one()
    post(
        journey,
        step(
            "MedicationsReconciled",
            OUT + MIN,
            medications=[{"name": "lorazepam", "class": "benzodiazepine", "dose": "1 mg"}],
        ),
    )

    assert form_of(journey).concomitant_medications[0]["name"] == "sertraline"


def test_a_session_without_a_dose_has_no_form():
    journey = given_journey(
        SPRAVATO_REMS, [*intake_for(SPRAVATO_REMS), pre_dose_check(1, FIRST_DOSE)]
    )

    with pytest.raises(ValueError, match="no dose"):
        form_of(journey)
