"""Well-formed data of the demo entries, in the wire contract's shapes (EVENTS.md)."""

from __future__ import annotations

from typing import Any

CONTRAINDICATIONS = (
    "active_psychosis",
    "primary_psychotic_disorder",
    "acute_mania",
    "pregnant",
    "breastfeeding",
    "ketamine_hypersensitivity",
    "aneurysmal_vascular_disease",
    "intracerebral_hemorrhage_history",
    "uncontrolled_hypertension",
    "severe_cardiovascular_disease",
    "active_substance_use_disorder",
)

USUAL_MEDICATIONS = [
    {"name": "sertraline", "class": "antidepressant", "dose": "100 mg each morning"},
]
INTERACTING_MEDICATIONS = [
    {"name": "clonazepam", "class": "benzodiazepine", "dose": "0.5 mg at night"},
    {"name": "sertraline", "class": "antidepressant", "dose": "100 mg each morning"},
]

ITEM_COUNT = {"PHQ-9": 9, "GAD-7": 7, "PCL-5": 20}
MAX_ANSWER = {"PHQ-9": 3, "GAD-7": 3, "PCL-5": 4}


def vitals(seed: int, systolic: int | None = None, diastolic: int | None = None) -> dict[str, int]:
    """Ordinary vital signs, varied a little by ``seed``; BP as given when named."""
    return {
        "systolic": systolic if systolic is not None else 116 + (seed * 7) % 19,
        "diastolic": diastolic if diastolic is not None else 72 + (seed * 5) % 13,
        "heart_rate": 64 + (seed * 11) % 21,
        "spo2": 96 + seed % 4,
    }


def items(instrument: str, total: int, *, item9: int = 0) -> list[int]:
    """Answers that add up to ``total``; PHQ-9 item 9 (self-harm) is set apart."""
    count, top = ITEM_COUNT[instrument], MAX_ANSWER[instrument]
    spread_over = count - 1 if instrument == "PHQ-9" else count
    rest = total - item9 if instrument == "PHQ-9" else total
    if not 0 <= rest <= spread_over * top:
        raise ValueError(f"{instrument} total {total} cannot be answered")
    answers = [
        rest // spread_over + (1 if i < rest % spread_over else 0) for i in range(spread_over)
    ]
    return [*answers, item9] if instrument == "PHQ-9" else answers


def consultation(
    seed: int, weight_kg: float, symptoms: str, *, trials: int = 2, modality: str = "in_person"
) -> dict[str, Any]:
    return {
        "modality": modality,
        "medical_history": "No significant medical history; no current substance use.",
        "current_symptoms": symptoms,
        "treatment_goals": ["Feel able to work again", "Sleep through the night"],
        "adequate_antidepressant_trials": trials,
        "mental_status_exam": {
            "suicidal_ideation": False,
            "appearance": "Appropriately dressed, good eye contact",
            "mood": "low",
            "affect": "constricted",
            "thought_process": "linear",
            "insight": "good",
            "judgment": "intact",
        },
        "vitals": vitals(seed),
        "weight_kg": weight_kg,
    }


def screening(decision: str, rationale: str, *found: str) -> dict[str, Any]:
    return {
        "contraindications": {name: name in found for name in CONTRAINDICATIONS},
        "medical_clearance": True,
        "decision": decision,
        "rationale": rationale,
    }


def consent(protocol: str) -> dict[str, Any]:
    form = "spravato-consent" if protocol == "spravato-rems" else "kap-consent"
    return {"form": form, "form_version": "2026-01", "risks_discussed": True}


def preparation(route: str, planned_dose_mg: float) -> dict[str, Any]:
    return {
        "modality": "telehealth",
        "education_topics": ["What dissociation feels like", "Set and setting", "Aftercare"],
        "intentions": ["Loosen the grip of self-criticism"],
        "dosing_plan": {"route": route, "planned_dose_mg": planned_dose_mg},
        "expectations_discussed": True,
        "minutes": 60,
    }


def override(prescriber: str, reason: str) -> dict[str, Any]:
    return {"by": {"id": prescriber, "role": "prescriber"}, "reason": reason}


def discharge(session: int, seed: int, escort: str) -> dict[str, Any]:
    return {
        "session": session,
        "vitals": vitals(seed + session),
        "alert_and_oriented": True,
        "released_to": escort,
        "instructions": ["No driving until tomorrow", "Light meal only tonight"],
        "override": None,
        "sedation_resolved": True,
        "dissociation_resolved": True,
        "respiratory_depression_resolved": True,
    }


def integration(session: int) -> dict[str, Any]:
    return {
        "session": session,
        "modality": "telehealth" if session % 2 else "in_person",
        "insights": "Noticed more distance from old patterns of self-blame.",
        "practices": ["Daily journaling", "Ten minutes of breath work each morning"],
        "minutes": 55 if session % 2 else 50,  # billed 90837, then 90834
    }


def therapy_note(session: int) -> dict[str, Any]:
    return {
        "session": session,
        "techniques": ["mindfulness", "grounding"],
        "note": "Settled after breath work; stayed with difficult feelings without distress.",
        "minutes": 45 + 5 * (session % 4),  # 50, 55, 60, 45; it starts at the check
    }
