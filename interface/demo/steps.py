"""The pieces of a demo story: who records what, when, and one entry to append."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.entries import Actor

ROLE_OF = {
    "ConsultationCompleted": "prescriber",
    "ScreeningCompleted": "prescriber",
    "ConsentSigned": "prescriber",
    "ConsentWithdrawn": "prescriber",
    "TreatmentPlanUpdated": "prescriber",
    "SafetyReviewCompleted": "prescriber",
    "RemsPatientEnrolled": "prescriber",
    "MedicationsReconciled": "prescriber",
    "JourneyClosed": "prescriber",
    "OutcomeMeasureRecorded": "therapist",
    "PreparationCompleted": "therapist",
    "GuidedTherapyNoted": "therapist",
    "IntegrationCompleted": "therapist",
    "EntryCorrected": "therapist",
    "JourneyPaused": "coordinator",
    "JourneyResumed": "coordinator",
}
"""Who records each entry type; every other type is recorded by the nurse."""


DEMO_ZONE = ZoneInfo("America/Denver")
"""The demo clinic's time zone: its days and hours are Denver's (``clinic_setup``)."""


def clinic_day(now: datetime, days_ago: int, hour: int, minute: int = 0) -> datetime:
    """The clinic's wall-clock ``hour:minute`` in Denver ``days_ago`` days before today
    (with days_ago >= 1, always past), as a UTC instant."""
    day = now.astimezone(DEMO_ZONE).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=DEMO_ZONE).astimezone(UTC)


@dataclass(frozen=True)
class Team:
    prescriber: str
    nurse: str
    therapist: str
    coordinator: str = "coord-sam"

    def actor(self, role: str) -> Actor:
        return Actor(getattr(self, role), role)


@dataclass(frozen=True)
class Step:
    """One entry to append: ``late_by`` makes it a late entry, ``label`` names it."""

    type: str
    at: datetime
    data: dict[str, Any]
    by: Actor
    late_by: timedelta | None = None
    label: str | None = None
    corrects: str | None = None  # EntryCorrected: the label of the entry it corrects
