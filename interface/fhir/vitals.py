"""Vital signs in FHIR's vital-signs profiles: blood pressure panel, heart rate, SpO2 (pulse
oximetry) and body weight, from every entry that records them."""

from __future__ import annotations

from typing import Any

from interface.fhir.builder import Builder, Resource, instant
from interface.fhir.codes import (
    BODY_WEIGHT,
    BP_PANEL,
    DIASTOLIC,
    HEART_RATE,
    LOINC,
    OBSERVATION_CATEGORY,
    SPO2,
    SPO2_PULSE_OXIMETRY,
    SYSTOLIC,
    UCUM,
    VITALS_PROFILE,
    coding,
    concept,
)
from interface.fhir.journey_record import ClinicalEntry

READINGS = ("ConsultationCompleted", "PreDoseCheckCompleted", "VitalsRecorded", "PatientDischarged")


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def vital_signs(builder: Builder, visits: dict[int, Resource]) -> None:
    for entry in builder.record.of_type(*READINGS):
        encounter = (
            builder.ref(visits[entry.version])
            if entry.version in visits
            else builder.session_encounter(entry.data.get("session"))
        )
        vitals = entry.data.get("vitals")
        if isinstance(vitals, dict):
            _vitals(builder, entry, vitals, encounter)
        weight = entry.data.get("weight_kg")
        if isinstance(weight, int | float):
            _add(builder, entry, encounter, "bodyweight", BODY_WEIGHT, _quantity(weight, "kg"))


def _vitals(builder: Builder, entry: ClinicalEntry, vitals: dict[str, Any], encounter: Any) -> None:
    bp = _add(builder, entry, encounter, "bp", BP_PANEL, None)
    bp["component"] = [
        {
            "code": concept(LOINC, *SYSTOLIC),
            "valueQuantity": _quantity(vitals["systolic"], "mm[Hg]"),
        },
        {
            "code": concept(LOINC, *DIASTOLIC),
            "valueQuantity": _quantity(vitals["diastolic"], "mm[Hg]"),
        },
    ]
    heart_rate = _quantity(vitals["heart_rate"], "/min")
    _add(builder, entry, encounter, "heartrate", HEART_RATE, heart_rate)
    if vitals.get("spo2") is not None:
        oxygen = _add(builder, entry, encounter, "oxygensat", SPO2, _quantity(vitals["spo2"], "%"))
        oxygen["code"]["coding"].insert(0, coding(LOINC, *SPO2_PULSE_OXIMETRY))


def _add(
    builder: Builder,
    entry: ClinicalEntry,
    encounter: Any,
    profile: str,
    code: tuple[str, str],
    value: dict[str, Any] | None,
) -> Resource:
    observation: Resource = {
        "resourceType": "Observation",
        "id": builder.id_for(f"Observation/vitals/{entry.version}/{profile}"),
        "meta": {"profile": [VITALS_PROFILE + profile]},
        "status": "final",
        "category": [concept(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")],
        "code": concept(LOINC, *code),
        "subject": builder.patient(),
        "effectiveDateTime": instant(entry.occurred_at),
    }
    performer = builder.person(entry)
    if performer is not None:
        observation["performer"] = [performer]
    if encounter is not None:
        observation["encounter"] = encounter
    if value is not None:
        observation["valueQuantity"] = value
    return builder.add(observation, entry.sources)
