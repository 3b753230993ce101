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


class ScreeningFact(Fact):
    decision: str


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


class PreDoseFact(Fact):
    last_food_at: datetime
    last_clear_liquid_at: datetime
    alcohol_or_drugs_last_24h: bool
    transport_arranged: bool
    vitals: dict[str, int]
    pregnancy_test: str | None


class DoseFact(Fact):
    route: str
    dose_mg: float
    weight_kg: float
    therapist_present: str | None
    prescriber_on_site: str | None
    override: dict[str, Any] | None


class DischargeFact(Fact):
    alert_and_oriented: bool
    released_to: str | None
    override: dict[str, Any] | None


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


class AdverseEventFact(Fact):
    kind: str
    severity: str
    session: int | None


class SafetyTriggerFact(Fact):
    reason: str
    raised_in: int
    """The version of the event that raised it (a correction's own, if one did)."""


class SafetyReviewFact(Fact):
    cleared: bool


class PlanFact(Fact):
    phase: str
    further_sessions: int


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
