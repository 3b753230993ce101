"""The facts a journey keeps, as plain JSON-friendly records (they go into snapshots).

Each record remembers the version of the entry it came from, so that a correction
can re-apply the corrected entry in place (see ``domain.fold``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict


class Fact(TypedDict):
    version: int
    at: datetime


class ConsultationFact(Fact):
    weight_kg: float | None
    suicidal_ideation: bool | None
    """None where a snapshot predates their keeping (upcast)."""


class ScreeningFact(Fact):
    decision: str
    childbearing_potential: bool | None


class ConsentFact(Fact):
    signed: bool
    risks_discussed: bool | None
    form_version: str | None


class MeasureFact(Fact):
    instrument: str
    items: list[int]
    total: int
    band: str
    timepoint: str
    session: int | None
    behaviour_within_3_months: bool | None
    """C-SSRS: whether item 6's behaviour was recent (None when not asked)."""


class PreDoseFact(Fact):
    last_food_at: datetime
    last_clear_liquid_at: datetime
    alcohol_or_drugs_last_24h: bool
    transport_arranged: bool
    vitals: dict[str, int]
    pregnancy_test: str | None
    weight_kg: float | None


class DoseFact(Fact):
    route: str
    dose_mg: float
    weight_kg: float
    therapist_present: str | None
    prescriber_on_site: str | None
    override: dict[str, Any] | None
    booster: bool
    infusion_minutes: int | None
    lot_number: str | None


class VitalsFact(Fact):
    vitals: dict[str, int]


class DischargeFact(Fact):
    alert_and_oriented: bool
    released_to: str | None
    override: dict[str, Any] | None
    vitals: dict[str, int] | None
    resolved: dict[str, bool | None]
    """sedation, dissociation, respiratory_depression: True once resolved; None when
    not recorded (before 2027-1)."""


class CancellationFact(Fact):
    reason: str


class SessionFact(TypedDict):
    session: int
    pre_dose: PreDoseFact | None
    dose: DoseFact | None
    discharge: DischargeFact | None
    integration: Fact | None
    cancellation: CancellationFact | None
    rems_form: Fact | None
    boosters: list[DoseFact]
    """Further administrations in the session, in order (``dose`` is the first)."""
    vitals: list[VitalsFact]
    """VitalsRecorded during the session, in version order."""


class AdverseEventFact(Fact):
    kind: str
    severity: str
    session: int | None
    onset_at: datetime | None
    resolved_at: datetime | None
    reported_to: list[str]


class SafetyTriggerFact(Fact):
    reason: str
    raised_in: int
    """The version of the event that raised it (a correction's own, if one did)."""
    concern: str
    """suicide_risk (scales, mental status) or adverse_event."""
    level: str
    """moderate (a prescriber's review clears it) or high (a review with a safety plan
    and a later negative C-SSRS clear it)."""


class SafetyReviewFact(Fact):
    cleared: bool
    safety_plan: bool
    interactions_reviewed: bool
    by: str
    """The reviewer, as "id (role)"."""


class PlanFact(Fact):
    phase: str
    further_sessions: int
    interval_weeks: int | None


class EnrollmentFact(Fact):
    enrollment_id: str
    enrolled_at: datetime


class MedicationListFact(Fact):
    medications: list[dict[str, str]]
    classes: list[str]
    """The distinct classes on the list, sorted."""


class PauseFact(Fact):
    paused: bool


class ClosureFact(Fact):
    reason: str


class CorrectionFact(Fact):
    corrects_version: int
    corrects_type: str
    fields: list[str]
    reason: str
    by: str


class LateEntryFact(Fact):
    """An entry recorded long after it occurred (``at`` is when it occurred)."""

    type: str
    recorded_at: datetime
    by: str


class OverrideFact(Fact):
    by: str
    reason: str
    what: str
