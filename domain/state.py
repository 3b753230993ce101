"""JourneyFacts: what a journey knows, and the questions rules and status ask of it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, cast

from domain.audit.hashing import GENESIS
from domain.facts import (
    AdverseEventFact,
    ClosureFact,
    ConsentFact,
    CorrectionFact,
    DoseFact,
    Fact,
    LateEntryFact,
    MeasureFact,
    OverrideFact,
    PauseFact,
    PlanFact,
    SafetyReviewFact,
    SafetyTriggerFact,
    ScreeningFact,
    SessionFact,
)
from domain.protocols import ProtocolProfile


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
    consultation: Fact | None = None
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

    @property
    def profile(self) -> ProtocolProfile:
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

    def safety_hold_reasons(self) -> list[str]:
        """Triggers recorded after the last review that cleared the hold."""
        cleared_after = max(
            (review["version"] for review in self.safety_reviews if review["cleared"]), default=0
        )
        return [t["reason"] for t in self.safety_triggers if t["raised_in"] > cleared_after]

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

    def in_maintenance(self) -> bool:
        """A maintenance plan is in force once the induction series has been given."""
        series_given = len(self.doses()) >= self.profile.series_length
        return series_given and any(p["phase"] == "maintenance" for p in self.plans)


def stored_facts(snapshot_state: dict[str, Any]) -> dict[str, Any]:
    """A journey snapshot's facts as a dict its upcasters (``Journey.upcast_vN_vN+1``)
    change in place: whatever they were decoded as, they are a dict from here on."""
    facts = snapshot_state["facts"]
    if isinstance(facts, JourneyFacts):
        facts = snapshot_state["facts"] = {f.name: getattr(facts, f.name) for f in fields(facts)}
    return cast(dict[str, Any], facts)
