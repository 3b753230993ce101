"""Value records that several event payloads share (vitals, an override, transport...).

Plain JSON-friendly records: an event stores them as they are, so a field's name here
is its stored name (see ``domain.payloads``).
"""

# No ``from __future__ import annotations``: TypedDict reads ``NotRequired`` from the
# evaluated annotations (Python 3.11), and the stored shape depends on it.
from typing import NotRequired, TypedDict

MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 1, 480
"""The bounds of a psychotherapy session's recorded ``minutes`` (preparation, guided
therapy, integration): the face-to-face time CPT counts. Under 16 is recorded but not
billed (``domain.billing.codes``); above eight hours is taken to be a typing slip."""


class ActorRecord(TypedDict):
    """Who did something, as stored: a staff id and role."""

    id: str
    role: str


class Vitals(TypedDict):
    systolic: int
    diastolic: int
    heart_rate: int
    spo2: NotRequired[int | None]


class Override(TypedDict):
    """A prescriber's documented decision to proceed beyond a protocol threshold."""

    by: ActorRecord
    reason: str


class Transport(TypedDict):
    arranged: bool
    escort_name: NotRequired[str | None]
    mode: NotRequired[str | None]


class MentalStatusExam(TypedDict):
    suicidal_ideation: bool
    appearance: NotRequired[str | None]
    mood: NotRequired[str | None]
    affect: NotRequired[str | None]
    thought_process: NotRequired[str | None]
    thought_content: NotRequired[str | None]
    perception: NotRequired[str | None]
    cognition: NotRequired[str | None]
    insight: NotRequired[str | None]
    judgment: NotRequired[str | None]


class Contraindications(TypedDict):
    active_psychosis: bool
    primary_psychotic_disorder: bool
    acute_mania: bool
    pregnant: bool
    breastfeeding: bool
    ketamine_hypersensitivity: bool
    aneurysmal_vascular_disease: bool
    intracerebral_hemorrhage_history: bool
    uncontrolled_hypertension: bool
    severe_cardiovascular_disease: bool
    active_substance_use_disorder: bool
    arteriovenous_malformation: NotRequired[bool | None]


class DosingPlan(TypedDict):
    route: str
    planned_dose_mg: float
