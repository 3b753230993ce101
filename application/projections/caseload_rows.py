"""One caseload row per journey: what staff scan to decide where to look first.

A row is a pure function of the journey's events (its "now" is the journey's last
recording time), so a rebuild gives exactly the rows the live projection wrote.
Flags that fall due with time are stored as due times and judged when read. Its next
step names moments in UTC whoever projects it; readers see them in their clinic's zone
(``domain.local_time.localized``), so a clinic's change of zone leaves no row stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from domain.journey import Journey
from domain.local_time import clinic_time
from domain.status import flags_of, journey_status

TIME_BASED_FLAGS = ("integration_overdue", "rems_form_overdue")
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
FLAG_WEIGHTS = {
    "adverse_event": 4,
    "interaction_review": 3,
    "measure_due": 2,
    "override_used": 2,
    "late_entry": 1,
}


@dataclass(frozen=True)
class CaseloadRow:
    journey_id: UUID
    clinic_id: str
    patient_ref: str
    episode: int
    protocol: str
    primary_clinician: str
    stage: str
    safety_hold: bool
    adverse_event: bool
    override_used: bool
    late_entry: bool
    interaction_review: bool
    measure_due: bool
    next_step_code: str
    next_step_text: str
    sessions_completed: int
    phq9_latest: int | None
    phq9_band: str | None
    last_event_at: datetime
    version: int
    integration_due_at: datetime | None
    rems_form_due_at: datetime | None
    attention_key: str
    """Sorts what needs attention first: safety hold, then the earliest duty due, then
    other flags; plain text, so one index serves the sort and its cursor."""


def _attention_key(flags: list[str], due: list[datetime | None]) -> str:
    hold = "0" if "safety_hold" in flags else "1"
    earliest = min((d for d in due if d is not None), default=NEVER)
    weight = sum(FLAG_WEIGHTS.get(flag, 0) for flag in flags)
    return f"{hold}|{earliest.astimezone(UTC).strftime('%Y%m%d%H%M%S')}|{99 - weight:02d}"


def caseload_row(journey: Journey) -> CaseloadRow:
    facts = journey.facts
    as_of = facts.last_event_at
    with clinic_time(UTC):  # the stored form; read in the clinic's zone
        status = journey_status(journey.id, journey.version, facts, as_of)
    flags = [f for f in flags_of(facts, as_of) if f not in TIME_BASED_FLAGS]
    phq9 = status.outcomes.get("PHQ-9")
    integration_due = min(facts.pending_due("integration"), default=None)
    rems_due = min(facts.pending_due("rems_form"), default=None)
    return CaseloadRow(
        journey_id=journey.id,
        clinic_id=facts.clinic_id,
        patient_ref=facts.patient_ref,
        episode=facts.episode,
        protocol=facts.profile.name,
        primary_clinician=facts.primary_clinician,
        stage=status.stage,
        safety_hold="safety_hold" in flags,
        adverse_event="adverse_event" in flags,
        override_used="override_used" in flags,
        late_entry="late_entry" in flags,
        interaction_review="interaction_review" in flags,
        measure_due="measure_due" in flags,
        next_step_code=status.next_step.code,
        next_step_text=status.next_step.text,
        sessions_completed=status.sessions_completed,
        phq9_latest=phq9.latest if phq9 else None,
        phq9_band=phq9.band if phq9 else None,
        last_event_at=facts.last_event_at,
        version=journey.version,
        integration_due_at=integration_due,
        rems_form_due_at=rems_due,
        attention_key=_attention_key(flags, [integration_due, rems_due]),
    )
