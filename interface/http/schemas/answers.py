"""Response models: append receipts, journey status, history and problem details."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from interface.http.schemas.common import Flag, NextStepCode, RecordedBy, Route, Stage, WireModel

TIME_ZONE = (
    "The clinic's IANA time zone; present only when it is not UTC. Then each instant "
    "field `X` of this answer that has a value has a sibling `X_local`, the same instant "
    "with the zone's offset at that instant, and the sentences name moments in the zone."
)


def _absent(value: object) -> bool:
    return value is None


def local_of(field: str) -> Any:
    """The ``<field>_local`` sibling of an instant field: left out of the answer where it
    would be null, so a clinic in UTC reads exactly as before."""
    return Field(
        default=None,
        description=f"`{field}` on the clinic's wall clock (`time_zone`): the same instant, "
        f"ISO 8601 with the offset the zone had then. Only for a clinic outside UTC, and "
        f"only when `{field}` has a value.",
        exclude_if=_absent,
    )


def time_zone_field() -> Any:
    """An answer's ``time_zone``: left out for a clinic in UTC."""
    return Field(default=None, description=TIME_ZONE, exclude_if=_absent)


class NextStepPublic(WireModel):
    """What staff should do next: a stable code and a sentence."""

    code: NextStepCode
    """A stable code a program can act on (complete_consultation, pre_dose_check,
    discharge, none...)."""
    text: str
    """The step as a sentence for staff (moments in the clinic's time zone)."""


class BlockerPublic(WireModel):
    """One reason a dose would be refused now, with the rule that refuses it."""

    rule: str
    """The protocol rule that refuses (J-01...)."""
    text: str
    """Why, as a sentence for staff, and what would lift it."""


class FlagDetailPublic(WireModel):
    """One thing behind a flag: a sentence for staff, when it happened or fell due, and
    the dosing session it concerns."""

    text: str
    """What raised the flag, as a sentence for staff."""
    at: datetime | None = None
    """When it happened or fell due, if it has a moment."""
    at_local: datetime | None = local_of("at")
    session: int | None = None
    """The dosing session it concerns, if any."""


class AppendPublic(WireModel):
    """Receipt for an appended event: its version, global position, and the new status."""

    journey_id: UUID
    """The journey's id (a UUID derived from the clinic, patient and episode)."""
    version: int
    """The journey's version after this entry: its number in the journey (the opening is
    1); send it as If-Match to append only if nothing came between."""
    position: int
    """The entry's place in the whole log (every journey); pass it as after_position to
    read your own write."""
    stage: Stage
    """Where the journey stands after the entry."""
    next_step: NextStepPublic
    """What staff should do next."""


class SessionPublic(WireModel):
    """One dosing session as it stands: check, dose, discharge, integration."""

    session: int
    """The session's number (1, 2, ...)."""
    predose_checked_at: datetime | None = None
    """When its pre-dose check was made."""
    administered_at: datetime | None = None
    """When the dose was given."""
    route: Route | None = None
    """The route of the dose."""
    dose_mg: float | None = None
    """The dose in milligrams (the sum of a session's doses with boosters)."""
    discharged_at: datetime | None = None
    """When the patient was discharged."""
    observation_minutes: int | None = None
    """Minutes from the dose to the discharge."""
    integrated_at: datetime | None = None
    """When the integration session was held."""
    cancelled: bool
    """The session was cancelled."""
    predose_vitals: dict[str, int] | None = None
    """The pre-dose check's vitals (systolic, diastolic, heart_rate, spo2)."""
    rems_form_at: datetime | None = None
    """When its REMS monitoring form was submitted (Spravato)."""
    predose_checked_at_local: datetime | None = local_of("predose_checked_at")
    administered_at_local: datetime | None = local_of("administered_at")
    discharged_at_local: datetime | None = local_of("discharged_at")
    integrated_at_local: datetime | None = local_of("integrated_at")
    rems_form_at_local: datetime | None = local_of("rems_form_at")


Verdict = Literal["yes", "no", "not_applicable"]


class OutcomePublic(WireModel):
    """One instrument's scores: baseline, latest, band and change from baseline, and
    response and remission as judged from the latest follow-up or end-of-series score."""

    baseline: int | None = Field(
        default=None,
        description="The latest baseline score at or before the first dose; null if none.",
    )
    latest: int | None = None
    """The latest score of any timepoint; null if none."""
    band: str | None = None
    """The latest score's severity band (PHQ-9: minimal, mild, moderate, moderately severe,
    severe)."""
    change_pct: float | None = Field(
        default=None, description="From the baseline to the latest score, of any timepoint."
    )
    response: Verdict | None = Field(
        default=None,
        description='"yes" when the judged score is at most half the baseline, "no" when '
        'it is not, "not_applicable" when the baseline is too low to judge one (PHQ-9 and '
        "GAD-7 below 10) or the instrument has none (C-SSRS); null when not measured yet "
        "(no baseline, or no follow_up or end_of_series score: post_session and pre_dose "
        "scores are never judged).",
    )
    remission: Verdict | None = Field(
        default=None,
        description='"yes" when the judged score is below 5 (PHQ-9, GAD-7), "no" when it '
        'is not, "not_applicable" for a baseline below 10 or an instrument without '
        "remission (PCL-5, C-SSRS); null when not measured yet.",
    )
    meaningful_change: bool | None = Field(
        default=None,
        description="PCL-5 only: the judged score is 10 or more points below the baseline; "
        "null when not measured yet.",
    )
    judged_score: int | None = Field(
        default=None,
        description="The latest follow_up or end_of_series score: what response, "
        "remission and meaningful change were judged from.",
    )
    judged_at: datetime | None = Field(default=None, description="When that score was taken.")
    judged_at_local: datetime | None = local_of("judged_at")


StatusFlag = Literal[Flag, "unverified_code"]
"""A status's flags: the caseload's, and ``unverified_code`` (a diagnosis outside the
service's ICD-10-CM table), which only the journey's own status shows."""


class DiagnosisPublic(WireModel):
    """One ICD-10-CM diagnosis of the consultation in force."""

    code: str = Field(description="As stored: upper case, the dot after the third character.")
    description: str | None = Field(default=None, description="The clinician's words, if any.")
    verified: bool = Field(
        description="The code is in the service's table of the codes KAP clinics use; "
        "false raises the unverified_code flag."
    )
    title: str | None = Field(
        default=None, description="The ICD-10-CM Tabular List title of a verified code."
    )


class ProtocolPublic(WireModel):
    """The protocol profile the journey runs under, and its version."""

    name: str
    """kap-standard, spravato-rems, or the name of a protocol the clinic published."""
    version: str
    """The version the journey copied when it opened (2027-1, or <clinic>-<n>)."""


class JourneyPublic(WireModel):
    """A journey's status: stage, flags, next step, blockers, sessions and outcomes."""

    journey_id: UUID
    """The journey's id."""
    clinic_id: str
    """The clinic it belongs to."""
    patient_ref: str
    """The clinic's record number for the patient."""
    episode: int
    """The treatment episode (1, 2, ...)."""
    protocol: ProtocolPublic
    """The protocol profile and version it runs under."""
    primary_clinician: str
    """Staff id of the clinician responsible."""
    stage: Stage
    """Where it stands: opened, consulted, screened, consented, prepared, in_treatment,
    series_complete, maintenance, paused, closed or ineligible."""
    session_state: str | None = Field(
        default=None, description="Where the current dosing session stands, if any."
    )
    flags: list[StatusFlag]
    """What needs attention (safety_hold, adverse_event, integration_overdue...)."""
    flag_details: dict[StatusFlag, list[FlagDetailPublic]] = Field(
        description="For each flag present (the keys are exactly `flags`), what raised it "
        "and when: adverse_event (kind, severity, session, onset), override_used (what "
        "was overridden, by whom and why), rems_form_overdue and integration_overdue "
        "(session and due time), safety_hold (level and reason), interaction_review (one "
        "sentence per medication class), measure_due (instrument and timepoint, since "
        "when), late_entry (entry type and delay), unverified_code (each diagnosis "
        "code outside the service's ICD-10-CM table)."
    )
    next_step: NextStepPublic
    """What staff should do next."""
    blockers: list[BlockerPublic]
    """Every rule that would refuse a dose now, each with why; empty when a dose could be
    given."""
    sessions: list[SessionPublic]
    """Each dosing session, in order."""
    sessions_completed: int
    """Dosing sessions dosed and discharged."""
    outcomes: dict[str, OutcomePublic]
    """Scores per instrument (PHQ-9, GAD-7, PCL-5, C-SSRS) that has any."""
    version: int
    """The journey's version: the number of its last entry (the ETag)."""
    opened_at: datetime
    """When the journey began (clinical time)."""
    last_event_at: datetime
    """When its latest entry occurred (clinical time)."""
    time_zone: str | None = time_zone_field()
    opened_at_local: datetime | None = local_of("opened_at")
    last_event_at_local: datetime | None = local_of("last_event_at")
    next_dose_possible_at: datetime | None = Field(
        default=None,
        description="When the spacing rules (J-07: hours between doses, doses per 7 days, "
        "the maintenance interval) next allow a dose, if that is later than now; null when "
        "they hold nothing (other blockers may). The J-07 blocker names the same moment.",
    )
    next_dose_possible_at_local: datetime | None = local_of("next_dose_possible_at")
    diagnoses: list[DiagnosisPublic] = Field(
        default_factory=list,
        description="The ICD-10-CM diagnoses of the consultation in force (a correction "
        "of it replaces them), in the order recorded.",
    )


class HistoryEventPublic(WireModel):
    """One stored event, as recorded, with its place in the log and its hash."""

    position: int
    """The entry's place in the whole log."""
    version: int
    """Its number in the journey (the opening is 1)."""
    type: str
    """The event type (JourneyOpened, ConsultationCompleted...)."""
    occurred_at: datetime
    """When it happened in the clinic."""
    recorded_at: datetime
    """When the service recorded it."""
    occurred_at_local: datetime | None = local_of("occurred_at")
    recorded_at_local: datetime | None = local_of("recorded_at")
    recorded_by: RecordedBy
    """Who made the entry."""
    source: str
    """The name of the token that sent it (the clinic system)."""
    idempotency_key: str | None = None
    """The Idempotency-Key it was sent with, if any."""
    data: dict[str, Any]
    """What the entry records, as stored (the event type's data)."""
    hash: str | None = None
    """The entry's seal: SHA-256 over its content and the previous entry's seal (hex); null
    for an entry recorded before seals."""


class HistoryPublic(WireModel):
    """Every event of a journey, oldest first."""

    journey_id: UUID
    """The journey's id."""
    time_zone: str | None = time_zone_field()
    events: list[HistoryEventPublic]
    """Every entry, oldest first."""


class FieldErrorPublic(WireModel):
    """One part of a request refused, and why."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int]
    """Where: body, query, path or header, then the field's path (names and list indexes)."""
    msg: str
    """Why, in words."""
    type: str
    """A stable kind of error (missing, extra_forbidden, int_type, value_error...)."""


class Problem(WireModel):
    """An error answer (RFC 9457 problem details, application/problem+json); other
    members may be added (RFC 9457 extensions), so a client ignores those it does not know."""

    model_config = ConfigDict(extra="allow")

    type: str
    """A URI reference naming the kind of problem (/problems/<code>)."""
    title: str
    """A short summary of the kind of problem."""
    status: int
    """The HTTP status code."""
    detail: str
    """What went wrong in this request, and how to put it right."""
    code: str
    """A stable code a program can act on (protocol_violation, invalid_request,
    journey_not_found...)."""
    rule: str | None = None
    """protocol_violation: the rule that refused the event (J-01...)."""
    blockers: list[BlockerPublic] | None = Field(
        default=None, description="Every other rule that would refuse the same event."
    )
    errors: list[FieldErrorPublic] | None = None
    """invalid_request: each part of the request refused."""
    missing: list[str] | None = None
    """billing_not_ready: each clinic setting or fee a superbill needs."""
