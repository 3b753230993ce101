"""Payloads of the events that make up a dosing session, from pre-dose check to integration."""

# No ``from __future__ import annotations``: TypedDict reads ``NotRequired`` from the
# evaluated annotations (Python 3.11), and the stored shape depends on it.
from typing import NotRequired, TypedDict

from domain.payloads.values import Override, Transport, Vitals


class PreDoseCheckCompletedPayload(TypedDict):
    session: int
    last_food_at: str
    """ISO 8601 with the offset the clinic sent (as are the other stored times)."""
    last_clear_liquid_at: str
    alcohol_or_drugs_last_24h: bool
    transport: Transport
    vitals: Vitals
    pregnancy_test: str
    weight_kg: NotRequired[float | None]
    """Weighed at the check (2027-1): the weight mg/kg limits read from here on."""


class KetamineAdministeredPayload(TypedDict):
    session: int
    route: str
    dose_mg: float
    weight_kg: float
    administered_by: str
    therapist_present: NotRequired[str | None]
    prescriber_on_site: NotRequired[str | None]
    lot_number: str
    override: NotRequired[Override | None]
    booster: NotRequired[bool]
    """A further administration in the same session (kap-standard 2027-1)."""
    infusion_minutes: NotRequired[int | None]
    """How long an IV dose ran."""


class VitalsRecordedPayload(TypedDict):
    session: int
    vitals: Vitals


class GuidedTherapyNotedPayload(TypedDict):
    session: int
    techniques: list[str]
    note: str
    minutes: NotRequired[int | None]
    """The face-to-face psychotherapy minutes this note covers (1 to 480)."""


class AdverseEventReportedPayload(TypedDict):
    session: NotRequired[int | None]
    kind: str
    severity: str
    action_taken: str
    onset_at: NotRequired[str | None]
    resolved_at: NotRequired[str | None]
    reported_to: NotRequired[list[str]]
    """Of rems, medwatch: where the event was reported."""


class PatientDischargedPayload(TypedDict):
    session: int
    vitals: Vitals
    alert_and_oriented: bool
    released_to: NotRequired[str | None]
    instructions: list[str]
    override: NotRequired[Override | None]
    sedation_resolved: NotRequired[bool | None]
    dissociation_resolved: NotRequired[bool | None]
    respiratory_depression_resolved: NotRequired[bool | None]


class DosingSessionCancelledPayload(TypedDict):
    session: int
    reason: str


class IntegrationCompletedPayload(TypedDict):
    session: int
    modality: str
    insights: str
    practices: list[str]
    minutes: NotRequired[int | None]
    """The session's face-to-face psychotherapy time, as CPT counts it (1 to 480)."""


class RemsMonitoringFormSubmittedPayload(TypedDict):
    session: int
    confirmation: str
