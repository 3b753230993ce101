"""Well-formed journey entries at plausible times (a small copy of the tests' story).

Bench code does not import ``tests``; these builders post the same clinical path.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from application.answers import NewEntry, OpenJourney
from application.journeys import Journeys
from domain.entries import Actor, Posting

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
CLINIC = "clinic-bench"
FIRST_DOSE_AT = START + timedelta(days=10)
SESSION_EVERY = timedelta(days=3)

VITALS: dict[str, Any] = {"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 98}

DATA: dict[str, dict[str, Any]] = {
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
        "items": [2, 3, 2, 2, 2, 2, 2, 2, 0],
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
    "PreparationCompleted": {
        "modality": "telehealth",
        "education_topics": ["dissociation", "set and setting"],
        "intentions": ["Understand my grief"],
        "dosing_plan": {"route": "im", "planned_dose_mg": 35},
        "expectations_discussed": True,
    },
    "PreDoseCheckCompleted": {
        "session": 1,
        "last_food_at": "",
        "last_clear_liquid_at": "",
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
    "IntegrationCompleted": {
        "session": 1,
        "modality": "telehealth",
        "insights": "Felt distance from the grief for the first time.",
        "practices": ["Daily journaling"],
    },
}

ROLE_FOR = {
    "ConsultationCompleted": "prescriber",
    "ScreeningCompleted": "prescriber",
    "KetamineAdministered": "nurse",
    "PreDoseCheckCompleted": "nurse",
    "PatientDischarged": "nurse",
    "VitalsRecorded": "nurse",
}


@dataclass(frozen=True)
class Step:
    type: str
    occurred_at: datetime
    data: dict[str, Any]

    @property
    def role(self) -> str:
        return ROLE_FOR.get(self.type, "therapist")

    def entry(self) -> NewEntry:
        return NewEntry(self.type, self.data)

    def posting(self) -> Posting:
        return posting(self.occurred_at, self.role)


def posting(at: datetime, role: str = "nurse") -> Posting:
    return Posting(at, at + timedelta(minutes=1), Actor(f"{role}-1", role), "bench")


def step(event_type: str, at: datetime, **changes: Any) -> Step:
    body = copy.deepcopy(DATA[event_type])
    body.update(changes)
    return Step(event_type, at, body)


def intake(start: datetime = START) -> list[Step]:
    """Consultation, baseline PHQ-9, screening, consent and preparation: 5 entries."""
    return [
        step("ConsultationCompleted", start + timedelta(hours=1)),
        step("OutcomeMeasureRecorded", start + timedelta(hours=1, minutes=30)),
        step("ScreeningCompleted", start + timedelta(days=2)),
        step("ConsentSigned", start + timedelta(days=3)),
        step("PreparationCompleted", start + timedelta(days=4)),
    ]


def open_session(number: int, dose_at: datetime) -> list[Step]:
    """Pre-dose check and dose: the session is open for notes and vitals."""
    check = step("PreDoseCheckCompleted", dose_at - timedelta(minutes=20), session=number)
    check.data["last_food_at"] = (dose_at - timedelta(hours=8)).isoformat()
    check.data["last_clear_liquid_at"] = (dose_at - timedelta(hours=3)).isoformat()
    return [check, step("KetamineAdministered", dose_at, session=number)]


def close_session(number: int, dose_at: datetime) -> list[Step]:
    """Therapy note, the in-session reading, discharge after the observation time,
    integration next day."""
    return [
        step("GuidedTherapyNoted", dose_at + timedelta(minutes=20), session=number),
        step("VitalsRecorded", dose_at + timedelta(minutes=40), session=number),
        step("PatientDischarged", dose_at + timedelta(minutes=75), session=number),
        step("IntegrationCompleted", dose_at + timedelta(days=1), session=number),
    ]


def full_series(sessions: int) -> list[Step]:
    """Intake and ``sessions`` complete dosing sessions, three days apart."""
    steps = intake()
    for number in range(1, sessions + 1):
        dose_at = FIRST_DOSE_AT + SESSION_EVERY * (number - 1)
        steps += open_session(number, dose_at) + close_session(number, dose_at)
    return steps


def session_notes(count: int, dose_at: datetime = FIRST_DOSE_AT) -> list[Step]:
    """Vitals every few seconds of session 1, with a therapy note every tenth entry."""
    notes = []
    for i in range(count):
        at = dose_at + timedelta(seconds=5 * (i + 1))
        kind = "GuidedTherapyNoted" if i % 10 == 9 else "VitalsRecorded"
        notes.append(step(kind, at, session=1))
    return notes


def opening_steps() -> list[Step]:
    """Everything before the notes: 7 entries after the opening (8 events in all)."""
    return intake() + open_session(1, FIRST_DOSE_AT)


OPENING_EVENTS = 1 + len(opening_steps())


def open_journey(app: Journeys, patient_ref: str) -> UUID:
    command = OpenJourney(patient_ref, 1, "kap-standard", "dr-lee", ["depression"])
    return app.open_journey(CLINIC, command, posting(START, "coordinator")).journey_id


def post(app: Journeys, journey_id: UUID, s: Step) -> None:
    app.append(CLINIC, journey_id, s.entry(), s.posting())


def journey_of(app: Journeys, patient_ref: str, events: int) -> UUID:
    """A journey of exactly ``events`` events: opening, one open session, then notes."""
    journey_id = open_journey(app, patient_ref)
    for s in [*opening_steps(), *session_notes(events - OPENING_EVENTS)]:
        post(app, journey_id, s)
    return journey_id
