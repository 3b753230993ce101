"""The sessions table of a journey's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.journey_facts import JourneyFacts


@dataclass(frozen=True)
class SessionSummary:
    session: int
    predose_checked_at: datetime | None
    administered_at: datetime | None
    route: str | None
    dose_mg: float | None
    discharged_at: datetime | None
    observation_minutes: int | None
    integrated_at: datetime | None
    cancelled: bool
    predose_vitals: dict[str, int] | None = None
    rems_form_at: datetime | None = None


def summarize_sessions(facts: JourneyFacts) -> list[SessionSummary]:
    rows = []
    for s in facts.ordered_sessions():
        pre, dose, discharge = s["pre_dose"], s["dose"], s["discharge"]
        observed = None
        if dose is not None and discharge is not None:
            observed = int((discharge["at"] - dose["at"]).total_seconds() // 60)
        rows.append(
            SessionSummary(
                session=s["session"],
                predose_checked_at=pre["at"] if pre else None,
                administered_at=dose["at"] if dose else None,
                route=dose["route"] if dose else None,
                dose_mg=dose["dose_mg"] if dose else None,
                discharged_at=discharge["at"] if discharge else None,
                observation_minutes=observed,
                integrated_at=s["integration"]["at"] if s["integration"] else None,
                cancelled=s["cancellation"] is not None,
                predose_vitals=pre["vitals"] if pre else None,
                rems_form_at=s["rems_form"]["at"] if s["rems_form"] else None,
            )
        )
    return rows
