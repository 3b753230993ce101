"""JourneyFacts: what a journey knows, and the questions rules and status ask of it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Literal, cast

from domain.audit.hashing import GENESIS
from domain.diagnoses import Diagnosis
from domain.fact_records import (
    AdverseEventFact,
    ClosureFact,
    ConsentFact,
    ConsultationFact,
    CorrectionFact,
    DoseFact,
    EnrollmentFact,
    Fact,
    LateEntryFact,
    MeasureFact,
    MedicationListFact,
    OverrideFact,
    PauseFact,
    PlanFact,
    SafetyReviewFact,
    SafetyTriggerFact,
    ScreeningFact,
    SessionFact,
)
from domain.protocols import ProtocolProfile

HoldNeed = Literal["review", "review_with_safety_plan", "negative_cssrs"]
"""What an active safety hold still needs (J-12): a prescriber's clearing review (moderate);
one with a safety plan, and for suicide risk a later C-SSRS with items 4 to 6 no (high)."""

Duty = Literal["integration", "rems_form"]
"""A duty that falls due with time: integration after discharge (C-05), the REMS form
after the dose (C-07)."""


@dataclass
class JourneyFacts:
    """Plain, JSON-friendly state: it is snapshotted as it stands."""

    clinic_id: str
    patient_ref: str
    episode: int
    protocol: dict[str, Any]
    primary_clinician: str
    presenting_concerns: list[str]
    opened_at: datetime
    last_event_at: datetime
    consultation: ConsultationFact | None = None
    screening: ScreeningFact | None = None
    screenings: list[ScreeningFact] = field(default_factory=list)
    """Every screening, for audits; ``screening`` is the one in force."""
    consents: list[ConsentFact] = field(default_factory=list)
    preparation: Fact | None = None
    measures: list[MeasureFact] = field(default_factory=list)
    sessions: dict[str, SessionFact] = field(default_factory=dict)
    adverse_events: list[AdverseEventFact] = field(default_factory=list)
    safety_triggers: list[SafetyTriggerFact] = field(default_factory=list)
    safety_reviews: list[SafetyReviewFact] = field(default_factory=list)
    plans: list[PlanFact] = field(default_factory=list)
    pauses: list[PauseFact] = field(default_factory=list)
    closure: ClosureFact | None = None
    corrections: list[CorrectionFact] = field(default_factory=list)
    overrides: list[OverrideFact] = field(default_factory=list)
    late_entries: list[LateEntryFact] = field(default_factory=list)
    idempotency: dict[str, int] = field(default_factory=dict)
    chain_head: str = GENESIS
    """The hash of the journey's latest entry: the next one chains to it."""
    enrollment: EnrollmentFact | None = None
    """The patient's Spravato REMS enrollment (J-16)."""
    medication_lists: list[MedicationListFact] = field(default_factory=list)
    """Every medication reconciliation; the last is the list in force."""
    staff_seen: dict[str, list[str]] = field(default_factory=dict)
    """Each staff id that recorded an entry on this journey, with the roles it used (J-17)."""
    diagnoses: list[Diagnosis] = field(default_factory=list)
    """The ICD-10-CM diagnoses of the consultation in force, as stored, each marked
    verified when the shipped table (``domain.diagnoses``) knows its code."""

    @cached_property
    def profile(self) -> ProtocolProfile:
        """The protocol the journey was opened under, read once: rules, status and due
        dates ask for it many times per entry, and it never changes after the opening."""
        return ProtocolProfile.from_dict(self.protocol)

    # Journey-level questions.

    @property
    def consent_active(self) -> bool:
        return bool(self.consents) and self.consents[-1]["signed"]

    @property
    def eligible(self) -> bool:
        return self.screening is not None and self.screening["decision"] == "eligible"

    @property
    def ineligible(self) -> bool:
        return self.screening is not None and self.screening["decision"] == "ineligible"

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1]["paused"]

    @property
    def closed(self) -> bool:
        return self.closure is not None

    def active_holds(self) -> list[SafetyTriggerFact]:
        """Safety triggers no later review has cleared (J-12): a moderate hold clears with
        a prescriber's review; a high one needs the review to carry a safety plan and, for
        suicide risk, a C-SSRS after the trigger with items 4 to 6 answered no."""
        return [t for t in self.safety_triggers if self.still_needed(t)]

    def still_needed(self, trigger: SafetyTriggerFact) -> list[HoldNeed]:
        """What the hold still needs before it clears; empty once cleared. Blockers and
        the next step say exactly this, so staff know which half of a high hold is done."""
        after = trigger["raised_in"]
        reviews = [r for r in self.safety_reviews if r["cleared"] and r["version"] > after]
        if trigger["level"] != "high":
            return [] if reviews else ["review"]
        needed: list[HoldNeed] = []
        if not any(r["safety_plan"] for r in reviews):
            needed.append("review_with_safety_plan")
        if trigger["concern"] == "suicide_risk" and not any(
            m["version"] > after and _no_current_intent_or_recent_behaviour(m)
            for m in self.measures_of("C-SSRS")
        ):
            needed.append("negative_cssrs")
        return needed

    def safety_hold_reasons(self) -> list[str]:
        """What each active hold is for, in the order raised."""
        return [t["reason"] for t in self.active_holds()]

    def measures_of(self, instrument: str) -> list[MeasureFact]:
        return [m for m in self.measures if m["instrument"] == instrument]

    def baseline(self, instrument: str) -> MeasureFact | None:
        measures = self.measures_of(instrument)
        baselines = [m for m in measures if m["timepoint"] == "baseline"]
        return baselines[-1] if baselines else None

    # Dosing-session questions.

    def session(self, number: int) -> SessionFact | None:
        return self.sessions.get(str(number))

    def last_session(self) -> SessionFact | None:
        if not self.sessions:
            return None
        return self.sessions[str(max(int(n) for n in self.sessions))]

    def doses(self) -> list[DoseFact]:
        return [s["dose"] for s in self.ordered_sessions() if s["dose"] is not None]

    def ordered_sessions(self) -> list[SessionFact]:
        return [self.sessions[n] for n in sorted(self.sessions, key=int)]

    def sessions_completed(self) -> int:
        return sum(1 for s in self.sessions.values() if s["discharge"] is not None)

    def doses_allowed(self) -> int:
        """Series length plus every further session a treatment plan has granted."""
        return self.profile.series_length + sum(p["further_sessions"] for p in self.plans)

    def recorded_weight(self) -> float | None:
        """The patient's latest weight on record: the consultation's, or a later pre-dose
        check's (2027-1 mg/kg limits read this, never the dose's own field)."""
        weighed: list[tuple[int, float]] = []
        if self.consultation is not None and self.consultation["weight_kg"] is not None:
            weighed.append((self.consultation["version"], self.consultation["weight_kg"]))
        for session in self.sessions.values():
            check = session["pre_dose"]
            if check is not None and check["weight_kg"] is not None:
                weighed.append((check["version"], check["weight_kg"]))
        return max(weighed)[1] if weighed else None

    def medications(self) -> MedicationListFact | None:
        """The medication list in force: the latest reconciliation."""
        return self.medication_lists[-1] if self.medication_lists else None

    def in_maintenance(self) -> bool:
        """A maintenance plan is in force once the induction series has been given."""
        series_given = len(self.doses()) >= self.profile.series_length
        return series_given and any(p["phase"] == "maintenance" for p in self.plans)

    # Duties that fall due with time: their deadlines are computed here, and only here
    # (status flags, the caseload's due times and compliance findings all ask this).

    def due_at(self, duty: Duty, session: SessionFact) -> datetime | None:
        """When ``duty`` for ``session`` falls due: the protocol's days for it, counted
        from the entry it follows (integration from the discharge, the REMS form from the
        dose). None when the protocol sets no such duty, or that entry is not on record."""
        after: Fact | None
        if duty == "integration":
            days, after = self.profile.integration_due_days, session["discharge"]
        else:
            days, after = self.profile.rems_form_due_days, session["dose"]
        if days is None or after is None:
            return None
        return after["at"] + timedelta(days=days)

    def pending_due(self, duty: Duty) -> list[datetime]:
        """The deadlines of ``duty`` still owed, one for each session that owes it."""
        return [
            due
            for session in self.sessions.values()
            if session[duty] is None and (due := self.due_at(duty, session)) is not None
        ]


def stored_facts(snapshot_state: dict[str, Any]) -> dict[str, Any]:
    """A journey snapshot's facts as a dict its upcasters (``Journey.upcast_vN_vN+1``)
    change in place: whatever they were decoded as, they are a dict from here on."""
    facts = snapshot_state["facts"]
    if isinstance(facts, JourneyFacts):
        facts = snapshot_state["facts"] = {f.name: getattr(facts, f.name) for f in fields(facts)}
    return cast(dict[str, Any], facts)


def administrations(session: SessionFact) -> list[DoseFact]:
    """Every administration of a session in order: the dose, then any boosters."""
    first = session["dose"]
    return [first, *session["boosters"]] if first is not None else []


def last_administered_at(session: SessionFact) -> datetime | None:
    """When the session's last administration was given: observation counts from it."""
    given = administrations(session)
    return given[-1]["at"] if given else None


def _no_current_intent_or_recent_behaviour(cssrs: MeasureFact) -> bool:
    """Items 4 and 5 answered no, and item 6 no or (lifetime only) not within 3 months: a
    past attempt is answered yes on every later C-SSRS, and must not keep a high hold for
    ever once the patient reports no intent, no plan and nothing recent."""
    intent, plan, behaviour = cssrs["items"][3:6]
    recent = behaviour and cssrs.get("behaviour_within_3_months") is not False
    return not (intent or plan or recent)
