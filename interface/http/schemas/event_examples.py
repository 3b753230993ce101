"""Examples of every event type, shown in the OpenAPI document: one each, and two of the
pre-dose check and of the outcome measure.

Together they tell one patient's story, and ``EXAMPLE_SEQUENCE`` is its order: posted one
after another to a freshly opened journey, each is recorded (201). The story is the
Spravato REMS pathway (the two REMS events need it) through a one-dose induction series,
as a clinic's own protocol derived from ``spravato-rems`` with ``series_length`` 1 runs it
(so that the plan after the series comes within one story): consultation to integration,
a correction, the end-of-series score, a safety review after a mild adverse event, the
maintenance plan, a maintenance session cancelled for blood pressure, a pause, and a
withdrawal. ``tests/integration/http/test_event_examples.py`` posts them.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict
from pydantic.config import JsonDict

from interface.demo.content import CONTRAINDICATIONS as DEMO_CONTRAINDICATIONS

PRESCRIBER = {"id": "dr-lee", "role": "prescriber"}
THERAPIST = {"id": "ther-ana", "role": "therapist"}
NURSE = {"id": "nurse-kim", "role": "nurse"}
COORDINATOR = {"id": "coord-sam", "role": "coordinator"}


def _event(event_type: str, at: str, by: dict[str, str], data: dict[str, Any]) -> JsonDict:
    return {
        "type": event_type,
        "occurred_at": f"2026-{at}:00-07:00",
        "recorded_by": dict(by),
        "data": data,
    }


CONTRAINDICATIONS = dict.fromkeys(DEMO_CONTRAINDICATIONS, False)
"""Every screened contraindication, answered no (the demo's list: the wire contract's)."""

EVENT_EXAMPLES: dict[str, list[JsonDict]] = {
    "ConsultationCompleted": [
        _event(
            "ConsultationCompleted",
            "11-02T09:30",
            PRESCRIBER,
            {
                "modality": "in_person",
                "medical_history": "Hypertension, controlled on lisinopril.",
                "current_symptoms": "Low mood, anhedonia, poor sleep for 2 years.",
                "treatment_goals": ["Return to work"],
                "adequate_antidepressant_trials": 3,
                "mental_status_exam": {"suicidal_ideation": False, "mood": "low"},
                "vitals": {"systolic": 128, "diastolic": 82, "heart_rate": 72},
                "weight_kg": 70,
                "diagnoses": [
                    {"code": "F33.1", "description": "Recurrent major depression, moderate"},
                    {"code": "F41.1"},
                ],
            },
        )
    ],
    "OutcomeMeasureRecorded": [
        _event(
            "OutcomeMeasureRecorded",
            "11-02T10:00",
            THERAPIST,
            {"instrument": "PHQ-9", "items": [2, 3, 2, 2, 1, 2, 2, 1, 0], "timepoint": "baseline"},
        ),
        _event(
            "OutcomeMeasureRecorded",
            "11-21T12:45",
            THERAPIST,
            {
                "instrument": "PHQ-9",
                "items": [1, 1, 1, 1, 0, 1, 1, 0, 0],
                "timepoint": "end_of_series",
                "session": 1,
            },
        ),
    ],
    "MedicationsReconciled": [
        _event(
            "MedicationsReconciled",
            "11-02T10:15",
            PRESCRIBER,
            {"medications": [{"name": "Lisinopril", "class": "other", "dose": "10 mg daily"}]},
        )
    ],
    "ScreeningCompleted": [
        _event(
            "ScreeningCompleted",
            "11-05T10:00",
            PRESCRIBER,
            {
                "contraindications": CONTRAINDICATIONS,
                "medical_clearance": True,
                "decision": "eligible",
                "rationale": "No contraindications; blood pressure controlled.",
            },
        )
    ],
    "ConsentSigned": [
        _event(
            "ConsentSigned",
            "11-05T10:30",
            PRESCRIBER,
            {"form": "esketamine-consent", "form_version": "2026-01", "risks_discussed": True},
        )
    ],
    "RemsPatientEnrolled": [
        _event(
            "RemsPatientEnrolled",
            "11-05T11:00",
            PRESCRIBER,
            {"enrollment_id": "REMS-PT-0042", "enrolled_at": "2026-11-05T10:50:00-07:00"},
        )
    ],
    "PreparationCompleted": [
        _event(
            "PreparationCompleted",
            "11-17T14:00",
            THERAPIST,
            {
                "modality": "telehealth",
                "education_topics": ["What dissociation feels like", "Set and setting"],
                "intentions": ["Loosen the grip of self-criticism"],
                "dosing_plan": {"route": "intranasal", "planned_dose_mg": 56},
                "expectations_discussed": True,
                "minutes": 60,
            },
        )
    ],
    "PreDoseCheckCompleted": [
        _event(
            "PreDoseCheckCompleted",
            "11-20T09:45",
            NURSE,
            {
                "session": 1,
                "last_food_at": "2026-11-20T01:00:00-07:00",
                "last_clear_liquid_at": "2026-11-20T07:00:00-07:00",
                "alcohol_or_drugs_last_24h": False,
                "transport": {"arranged": True, "escort_name": "Jo", "mode": "car"},
                "vitals": {"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 98},
                "pregnancy_test": "not_applicable",
            },
        ),
        _event(
            "PreDoseCheckCompleted",
            "11-23T09:15",
            NURSE,
            {
                "session": 2,
                "last_food_at": "2026-11-23T01:00:00-07:00",
                "last_clear_liquid_at": "2026-11-23T07:00:00-07:00",
                "alcohol_or_drugs_last_24h": False,
                "transport": {"arranged": True, "escort_name": "Jo", "mode": "car"},
                "vitals": {"systolic": 182, "diastolic": 104, "heart_rate": 88, "spo2": 98},
                "pregnancy_test": "not_applicable",
            },
        ),
    ],
    "KetamineAdministered": [
        _event(
            "KetamineAdministered",
            "11-20T10:05",
            NURSE,
            {
                "session": 1,
                "route": "intranasal",
                "dose_mg": 56,
                "weight_kg": 70,
                "administered_by": "nurse-kim",
                "therapist_present": "ther-ana",
                "prescriber_on_site": "dr-lee",
                "lot_number": "ESK-2026-118",
                "override": None,
            },
        )
    ],
    "VitalsRecorded": [
        _event(
            "VitalsRecorded",
            "11-20T10:45",
            NURSE,
            {
                "session": 1,
                "vitals": {"systolic": 138, "diastolic": 88, "heart_rate": 80, "spo2": 97},
            },
        )
    ],
    "GuidedTherapyNoted": [
        _event(
            "GuidedTherapyNoted",
            "11-20T10:55",
            THERAPIST,
            {
                "session": 1,
                "techniques": ["mindfulness", "grounding"],
                "note": "Settled after breath work; stayed with difficult feelings.",
                "minutes": 50,
            },
        )
    ],
    "AdverseEventReported": [
        _event(
            "AdverseEventReported",
            "11-20T11:00",
            NURSE,
            {
                "session": 1,
                "kind": "nausea",
                "severity": "mild",
                "action_taken": "Ondansetron 4 mg; resolved within 20 minutes.",
                "onset_at": "2026-11-20T10:50:00-07:00",
                "resolved_at": "2026-11-20T11:10:00-07:00",
                "reported_to": [],
            },
        )
    ],
    "PatientDischarged": [
        _event(
            "PatientDischarged",
            "11-20T12:15",
            NURSE,
            {
                "session": 1,
                "vitals": {"systolic": 124, "diastolic": 80, "heart_rate": 72, "spo2": 98},
                "alert_and_oriented": True,
                "released_to": "Jo",
                "instructions": ["No driving until tomorrow"],
                "override": None,
                "sedation_resolved": True,
                "dissociation_resolved": True,
                "respiratory_depression_resolved": True,
            },
        )
    ],
    "RemsMonitoringFormSubmitted": [
        _event(
            "RemsMonitoringFormSubmitted",
            "11-20T15:00",
            NURSE,
            {"session": 1, "confirmation": "REMS-CONF-7731"},
        )
    ],
    "IntegrationCompleted": [
        _event(
            "IntegrationCompleted",
            "11-21T12:00",
            THERAPIST,
            {
                "session": 1,
                "modality": "in_person",
                "insights": "Noticed more distance from old patterns of self-blame.",
                "practices": ["Daily journaling"],
                "minutes": 53,
            },
        )
    ],
    "EntryCorrected": [
        _event(
            "EntryCorrected",
            "11-21T12:30",
            THERAPIST,
            {
                "corrects_version": 12,
                "reason": "The note was saved before it was finished.",
                "data": {"note": "Settled after breath work; stayed with grief and self-blame."},
            },
        )
    ],
    "SafetyReviewCompleted": [
        _event(
            "SafetyReviewCompleted",
            "11-21T13:00",
            PRESCRIBER,
            {
                "cleared": True,
                "plan": "Nausea resolved; ondansetron before the next dose.",
                "safety_plan": True,
                "interactions_reviewed": True,
            },
        )
    ],
    "TreatmentPlanUpdated": [
        _event(
            "TreatmentPlanUpdated",
            "11-21T13:30",
            PRESCRIBER,
            {
                "phase": "maintenance",
                "further_sessions": 4,
                "interval_weeks": 1,
                "rationale": "Response after the series; weekly sessions to hold it.",
            },
        )
    ],
    "DosingSessionCancelled": [
        _event(
            "DosingSessionCancelled",
            "11-23T09:30",
            NURSE,
            {"session": 2, "reason": "Blood pressure 182/104 at arrival; rescheduled."},
        )
    ],
    "JourneyPaused": [
        _event(
            "JourneyPaused",
            "11-24T09:00",
            COORDINATOR,
            {"reason": "Patient travelling for two weeks."},
        )
    ],
    "JourneyResumed": [_event("JourneyResumed", "11-25T09:00", COORDINATOR, {})],
    "ConsentWithdrawn": [
        _event(
            "ConsentWithdrawn",
            "11-26T09:00",
            PRESCRIBER,
            {"reason": "Patient chose to stop treatment."},
        )
    ],
    "JourneyClosed": [
        _event(
            "JourneyClosed",
            "11-26T09:30",
            COORDINATOR,
            {
                "reason": "withdrawn",
                "summary": "Withdrew after one session; referred back to the psychiatrist.",
            },
        )
    ],
}

EXAMPLE_SEQUENCE: tuple[tuple[str, int], ...] = (
    ("ConsultationCompleted", 0),
    ("OutcomeMeasureRecorded", 0),
    ("MedicationsReconciled", 0),
    ("ScreeningCompleted", 0),
    ("ConsentSigned", 0),
    ("RemsPatientEnrolled", 0),
    ("PreparationCompleted", 0),
    ("PreDoseCheckCompleted", 0),
    ("KetamineAdministered", 0),
    ("VitalsRecorded", 0),
    ("GuidedTherapyNoted", 0),  # version 12: the entry the correction names
    ("AdverseEventReported", 0),
    ("PatientDischarged", 0),
    ("RemsMonitoringFormSubmitted", 0),
    ("IntegrationCompleted", 0),
    ("EntryCorrected", 0),
    ("OutcomeMeasureRecorded", 1),
    ("SafetyReviewCompleted", 0),
    ("TreatmentPlanUpdated", 0),
    ("PreDoseCheckCompleted", 1),
    ("DosingSessionCancelled", 0),
    ("JourneyPaused", 0),
    ("JourneyResumed", 0),
    ("ConsentWithdrawn", 0),
    ("JourneyClosed", 0),
)
"""The examples in the order a journey records them, as (type, index in its examples)."""

STORY_PROTOCOL: dict[str, Any] = {
    "name": "one-dose-spravato",
    "base": "spravato-rems",
    "changes": {"series_length": 1},
}
"""The clinic protocol the story's journey runs under (POST /v1/clinics/{clinic}/protocols)."""


def examples_config(event_type: str) -> ConfigDict:
    """An envelope model's config: unknown fields refused, and its examples shown."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [*EVENT_EXAMPLES[event_type]]})
