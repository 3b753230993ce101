"""One valid example per wire shape, for any test that needs well-formed input."""

from __future__ import annotations

from typing import Any

VITALS: dict[str, Any] = {"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 98}

VALID_JOURNEY_CREATE: dict[str, Any] = {
    "patient_ref": "MRN-0042",
    "episode": 1,
    "protocol": "kap-standard",
    "primary_clinician": "dr-lee",
    "presenting_concerns": ["treatment_resistant_depression"],
    "occurred_at": "2026-11-02T09:00:00-07:00",
    "recorded_by": {"id": "coord-sam", "role": "coordinator"},
}

VALID_EVENT_DATA: dict[str, dict[str, Any]] = {
    "ConsultationCompleted": {
        "modality": "in_person",
        "medical_history": "Hypertension, controlled on lisinopril.",
        "current_symptoms": "Low mood, anhedonia, poor sleep for 2 years.",
        "treatment_goals": ["Return to work", "Sleep through the night"],
        "adequate_antidepressant_trials": 3,
        "mental_status_exam": {"suicidal_ideation": False, "mood": "low", "affect": "flat"},
        "vitals": VITALS,
        "weight_kg": 70,
    },
    "OutcomeMeasureRecorded": {
        "instrument": "PHQ-9",
        "items": [2, 3, 2, 2, 1, 2, 2, 1, 0],
        "timepoint": "baseline",
    },
    "ScreeningCompleted": {
        "contraindications": {
            "active_psychosis": False,
            "primary_psychotic_disorder": False,
            "acute_mania": False,
            "pregnant": False,
            "breastfeeding": False,
            "ketamine_hypersensitivity": False,
            "aneurysmal_vascular_disease": False,
            "intracerebral_hemorrhage_history": False,
            "uncontrolled_hypertension": False,
            "severe_cardiovascular_disease": False,
            "active_substance_use_disorder": False,
        },
        "medical_clearance": True,
        "decision": "eligible",
        "rationale": "No contraindications; BP controlled.",
    },
    "ConsentSigned": {"form": "kap-consent", "form_version": "2026-01", "risks_discussed": True},
    "ConsentWithdrawn": {"reason": "Patient chose to stop treatment."},
    "PreparationCompleted": {
        "modality": "telehealth",
        "education_topics": ["dissociation", "set and setting"],
        "intentions": ["Understand my grief"],
        "dosing_plan": {"route": "im", "planned_dose_mg": 35},
        "expectations_discussed": True,
    },
    "PreDoseCheckCompleted": {
        "session": 1,
        "last_food_at": "2026-11-20T02:00:00-07:00",
        "last_clear_liquid_at": "2026-11-20T07:30:00-07:00",
        "alcohol_or_drugs_last_24h": False,
        "transport": {"arranged": True, "escort_name": "Jo (partner)", "mode": "car"},
        "vitals": VITALS,
        "pregnancy_test": "not_applicable",
    },
    "KetamineAdministered": {
        "session": 1,
        "route": "im",
        "dose_mg": 35,
        "weight_kg": 70,
        "administered_by": "nurse-kim",
        "therapist_present": "therapist-1",
        "prescriber_on_site": None,
        "lot_number": "KET-2026-118",
        "override": None,
    },
    "VitalsRecorded": {
        "session": 1,
        "vitals": {"systolic": 138, "diastolic": 88, "heart_rate": 80},
    },
    "GuidedTherapyNoted": {
        "session": 1,
        "techniques": ["mindfulness", "grounding"],
        "note": "Settled after 10 minutes of breath work.",
    },
    "AdverseEventReported": {
        "session": 1,
        "kind": "nausea",
        "severity": "mild",
        "action_taken": "Ondansetron 4 mg given.",
    },
    "PatientDischarged": {
        "session": 1,
        "vitals": VITALS,
        "alert_and_oriented": True,
        "released_to": "Jo (partner)",
        "instructions": ["No driving until tomorrow"],
        "override": None,
        "sedation_resolved": True,
        "dissociation_resolved": True,
        "respiratory_depression_resolved": True,
    },
    "DosingSessionCancelled": {"session": 2, "reason": "Pre-dose BP 185/100: held."},
    "IntegrationCompleted": {
        "session": 1,
        "modality": "telehealth",
        "insights": "Felt distance from the grief for the first time.",
        "practices": ["Daily journaling"],
    },
    "TreatmentPlanUpdated": {
        "phase": "maintenance",
        "further_sessions": 4,
        "interval_weeks": 4,
        "rationale": "Response at end of series; maintain monthly.",
    },
    "SafetyReviewCompleted": {"cleared": True, "plan": "Weekly check-ins; crisis plan reviewed."},
    "RemsMonitoringFormSubmitted": {"session": 1, "confirmation": "REMS-778812"},
    "RemsPatientEnrolled": {
        "enrollment_id": "SPR-PT-55012",
        "enrolled_at": "2026-10-05T09:00:00+00:00",
    },
    "MedicationsReconciled": {
        "medications": [
            {"name": "sertraline", "class": "antidepressant", "dose": "100 mg daily"},
        ]
    },
    "JourneyPaused": {"reason": "Patient travelling for 3 weeks."},
    "JourneyResumed": {},
    "JourneyClosed": {"reason": "completed", "summary": "Series and maintenance completed."},
    "EntryCorrected": {
        "corrects_version": 7,
        "reason": "Dose was keyed as 53 mg; 35 mg was given.",
        "data": {"dose_mg": 35},
    },
}
"""A valid `data` object for every appendable event type, keyed by type."""
