"""Shared wire types: bounded strings and numbers, enums as Literal, small value objects."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
)

from domain.payloads import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES
from interface.http.wire_text import check_free_text, check_identifier
from interface.presentation.moments import check_in_utc_range

MAX_ITEMS = 50
"""Upper bound on any list a client sends."""

# --- bounded strings -------------------------------------------------------------------

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"\S"),
    AfterValidator(check_identifier),
]
"""A staff id, form name, lot or confirmation number: 1-200 chars, not blank, no control
characters."""

Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=5000, pattern=r"\S"),
    AfterValidator(check_free_text),
]
"""Free text where the contract allows it: 1-5000 chars, not blank; tab and line breaks
are the only control characters it may hold."""

TextList = Annotated[list[Text], Field(max_length=MAX_ITEMS)]
"""A list of free-text entries (at most 50)."""

PatientRef = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
]
"""A clinic's record number (letters, digits, '.', '_', '-'); never a name."""


def _iso_time_with_offset(value: object) -> object:
    """Times travel as ISO 8601 text with an offset; epoch numbers and odd forms are refused."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            check_in_utc_range(value)
        return value
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 time with an offset, like 2026-11-20T10:05:00-07:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            "must be an ISO 8601 time with an offset, like 2026-11-20T10:05:00-07:00"
        ) from None
    if parsed.tzinfo is None:
        raise ValueError("needs an offset (Z or +hh:mm): times without one are ambiguous")
    check_in_utc_range(parsed)
    return value


WireTime = Annotated[AwareDatetime, BeforeValidator(_iso_time_with_offset)]
"""An ISO 8601 time with an offset (the service stores it in UTC)."""

# --- bounded numbers -------------------------------------------------------------------


def _whole_number(value: object) -> object:
    """JSON has one kind of number, and JSON Schema counts 196.0 as the integer 196: a
    client whose JSON library writes whole numbers with a point is not refused. 196.5,
    "196" and true still are."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WHOLE = BeforeValidator(_whole_number)
"""Last in an integer field's ``Annotated`` (after its bounds, which then stay JSON
Schema's minimum and maximum): a JSON integer, or a number with a zero fraction."""

SessionNumber = Annotated[StrictInt, Field(ge=1, le=1000), WHOLE]
"""The dosing session's ordinal within the journey (1, 2, ...)."""

DoseMg = Annotated[StrictFloat, Field(gt=0, le=2000, allow_inf_nan=False)]
"""A ketamine dose in milligrams."""

WeightKg = Annotated[StrictFloat, Field(ge=20, le=400, allow_inf_nan=False)]
"""Body weight in kilograms."""

ScaleItem = Annotated[StrictInt, Field(ge=0, le=4), WHOLE]
"""One answer on a rating scale; the per-instrument range is checked by rule J-14."""

SessionMinutes = Annotated[StrictInt, Field(ge=MIN_SESSION_MINUTES, le=MAX_SESSION_MINUTES), WHOLE]
"""Face-to-face psychotherapy time in whole minutes, the time CPT counts (1 to 480)."""

# --- enums -----------------------------------------------------------------------------

Role = Literal["prescriber", "therapist", "nurse", "coordinator", "system"]
ProtocolName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=48, pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"),
    Field(
        description="kap-standard, spravato-rems, or a protocol the clinic published "
        "(GET /v1/clinics/{clinic}/protocols): its latest version.",
        examples=["kap-standard"],
    ),
]
PresentingConcern = Literal[
    "treatment_resistant_depression", "depression", "ptsd", "anxiety", "other"
]
Modality = Literal["in_person", "telehealth"]
Route = Literal["im", "iv", "sublingual", "oral", "intranasal"]
Instrument = Literal["PHQ-9", "GAD-7", "PCL-5", "C-SSRS"]
Timepoint = Literal["baseline", "pre_dose", "post_session", "follow_up", "end_of_series"]
Decision = Literal["eligible", "ineligible"]
PregnancyTest = Literal["negative", "positive", "not_applicable"]
Technique = Literal["mindfulness", "somatic_experiencing", "cbt", "grounding", "other"]
AdverseKind = Literal[
    "nausea",
    "vomiting",
    "hypertension",
    "agitation",
    "excessive_sedation",
    "respiratory_depression",
    "dissociation_distress",
    "emergence_reaction",
    "loss_of_consciousness",
    "hypotension",
    "bradycardia",
    "tachycardia",
    "seizure",
    "allergic_reaction",
    "other",
]
ReportedTo = Literal["rems", "medwatch"]
MedicationClass = Literal[
    "benzodiazepine",
    "lamotrigine",
    "maoi",
    "stimulant",
    "opioid",
    "other_cns_depressant",
    "antidepressant",
    "other",
]
Severity = Literal["mild", "moderate", "severe", "serious"]
ClosingReason = Literal["completed", "withdrawn", "ineligible", "transferred", "lost_to_follow_up"]
Stage = Literal[
    "opened",
    "consulted",
    "screened",
    "ineligible",
    "consented",
    "prepared",
    "in_treatment",
    "series_complete",
    "maintenance",
    "paused",
    "closed",
]
Flag = Literal[
    "safety_hold",
    "integration_overdue",
    "rems_form_overdue",
    "adverse_event",
    "override_used",
    "late_entry",
    "interaction_review",
    "measure_due",
]
NextStepCode = Literal[
    "complete_consultation",
    "record_baseline",
    "complete_screening",
    "sign_consent",
    "complete_preparation",
    "pre_dose_check",
    "administer_dose",
    "record_vitals",
    "discharge",
    "integrate_session",
    "update_treatment_plan",
    "safety_review",
    "submit_rems_form",
    "record_measure",
    "none",
]

# --- value objects ---------------------------------------------------------------------


class WireModel(BaseModel):
    """Base of every wire model: unknown fields are refused (422), and the string under a
    field is its description in the OpenAPI document."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class RecordedBy(WireModel):
    """Who recorded the entry: a staff id and role."""

    id: Identifier
    """The staff member's id in the clinic's directory (or the clinic system's own), 1-200
    characters."""
    role: Role
    """The role they recorded it in: prescriber, therapist, nurse, coordinator or system."""


class Vitals(WireModel):
    """Vital signs: blood pressure (mmHg), heart rate (bpm) and optional SpO2 (%)."""

    systolic: Annotated[StrictInt, Field(ge=50, le=300), WHOLE]
    """Systolic blood pressure in mmHg (50-300)."""
    diastolic: Annotated[StrictInt, Field(ge=20, le=200), WHOLE]
    """Diastolic blood pressure in mmHg (20-200)."""
    heart_rate: Annotated[StrictInt, Field(ge=20, le=250), WHOLE]
    """Heart rate in beats per minute (20-250)."""
    spo2: Annotated[StrictInt, Field(ge=50, le=100), WHOLE] | None = None
    """Oxygen saturation by pulse oximetry in percent (50-100); null or left out if not taken."""


class Override(WireModel):
    """A prescriber's documented decision to proceed beyond a protocol threshold."""

    by: RecordedBy
    """The prescriber who decided to proceed (rule J-17: only a prescriber may override)."""
    reason: Text
    """Why proceeding is safe despite the threshold, in the prescriber's words."""


class Transport(WireModel):
    """How the patient gets home after dosing."""

    arranged: StrictBool
    """A ride home is arranged: the patient may not drive until the next day."""
    escort_name: Identifier | None = None
    """Who takes the patient home, if someone does."""
    mode: Identifier | None = None
    """How they get home (car, taxi...)."""


class EventEnvelope(WireModel):
    """Fields every appended event carries: clinical time and who recorded it."""

    occurred_at: WireTime
    """When it happened in the clinic (clinical time), ISO 8601 with an offset; not in the
    future. The service stores it in UTC and records separately when it was told."""
    recorded_by: RecordedBy
    """The staff member who made the entry (rule J-17: a role that may make it)."""


MAX_POSITION = 2**63 - 1
"""A log position or row id a client may name: the largest a database's integer column
holds (a larger one is refused as a request, not failed as a query)."""
MAX_ROW_ID = MAX_POSITION
