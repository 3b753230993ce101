"""Every code system and code the FHIR export writes (docs/fhir.md lists each with its source).

External terminologies where they have the concept (LOINC, SNOMED CT routes, RxNorm,
ICD-10-CM, UCUM, HL7's own code systems); this service's own enumerations (the wire
contract's values, docs/EVENTS.md) under ``urn:kap-journeys:`` systems otherwise.
"""

from __future__ import annotations

from typing import Any

# External systems.
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

# This service's own systems and extensions.
LOCAL = "urn:kap-journeys"


def local_system(name: str) -> str:
    """A code system of this service's own values (docs/EVENTS.md), by name."""
    return f"{LOCAL}:CodeSystem:{name}"


def clinic_system(clinic_id: str, what: str) -> str:
    """An identifier system of one clinic: its patient references, its staff ids."""
    return f"{LOCAL}:clinic:{clinic_id}:{what}"


EXTENSION_VERSION = f"{LOCAL}:extension:journey-version"
EXTENSION_POSITION = f"{LOCAL}:extension:log-position"
EXTENSION_ENTRY_TYPE = f"{LOCAL}:extension:entry-type"
SEAL_HASH = f"{LOCAL}:seal-hash"
"""The identifier system of a stored entry's seal (its chain hash, 64 hex)."""
JOURNEY = f"{LOCAL}:journey"
BUNDLE = f"{LOCAL}:fhir-bundle"
LOG_POSITION = f"{LOCAL}:log-position"


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    found = {"system": system, "code": code}
    if display is not None:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)], **({"text": display} if display else {})}


# Vital signs (FHIR core vital-signs profiles).
BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = ("8480-6", "Systolic blood pressure")
DIASTOLIC = ("8462-4", "Diastolic blood pressure")
HEART_RATE = ("8867-4", "Heart rate")
SPO2_PULSE_OXIMETRY = ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")
SPO2 = ("2708-6", "Oxygen saturation in Arterial blood")
BODY_WEIGHT = ("29463-7", "Body weight")

VITALS_PROFILE = "http://hl7.org/fhir/StructureDefinition/"

# Medication (RxNorm) and routes (SNOMED CT, FHIR's route-codes value set).
KETAMINE = ("6130", "ketamine")
ESKETAMINE = ("2201623", "esketamine Nasal Spray")
ROUTES = {
    "im": ("78421000", "Intramuscular route"),
    "iv": ("47625008", "Intravenous route"),
    "sublingual": ("37839007", "Sublingual route"),
    "oral": ("26643006", "Oral route"),
    "intranasal": ("46713006", "Nasal route"),
}

# Encounter classes (HL7 v3 ActCode).
AMBULATORY = coding(ACT_CODE, "AMB", "ambulatory")
VIRTUAL = coding(ACT_CODE, "VR", "virtual")
