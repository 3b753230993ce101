"""Seed the demo clinic once, through the public use cases only.

Every entry goes through ``Journeys.open_journey`` and ``Journeys.append``, so the
protocol rules accept the demo data exactly as they would a clinic's. Times are relative
to ``journeys.clock()``: everything occurred in the past and was recorded a few minutes
later, except one deliberate late entry (recorded two days after it occurred).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from application.answers import NewEntry, OpenJourney
from application.clinics import Clinics
from application.errors import JourneyNotFoundError
from application.journeys import Journeys
from domain.entries import Posting
from interface.demo.cases import demo_stories
from interface.demo.clinic_setup import set_up_demo_clinic
from interface.demo.steps import Step
from interface.demo.story import Story

DEMO_CLINIC = "demo-clinic"
DEMO_SOURCE = "demo-seed"
EPISODE = 1


def demo_journey_id(journeys: Journeys, patient_ref: str, clinic_id: str = DEMO_CLINIC) -> UUID:
    """Ids are keyed per deployment, so only its Journeys can name a demo journey."""
    return journeys.journey_id_for(clinic_id, patient_ref, EPISODE)


def seed_demo_clinic(
    journeys: Journeys, clinics: Clinics | None = None, clinic_id: str = DEMO_CLINIC
) -> int:
    """Set the clinic up (with ``clinics``), then seed about 30 journeys; the number
    seeded, or 0 if the clinic already has them."""
    if clinics is not None:
        set_up_demo_clinic(clinics, clinic_id)
    now = journeys.clock()
    stories = demo_stories(now)
    try:
        journeys.status(clinic_id, demo_journey_id(journeys, stories[0].patient_ref, clinic_id))
    except JourneyNotFoundError:
        pass
    else:
        return 0
    for story in stories:
        _tell(journeys, clinic_id, story, now)
    return len(stories)


class _RecordingClock:
    """When each entry was recorded: a few minutes after it occurred, in order, never
    after ``now``; a late entry ``late_by`` after it occurred."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.last: datetime | None = None
        self.count = 0

    def recorded_at(self, occurred_at: datetime, late_by: timedelta | None = None) -> datetime:
        self.count += 1
        delay = late_by or timedelta(minutes=2 + self.count % 4, seconds=7 * self.count % 60)
        moment = occurred_at + delay
        if self.last is not None:
            moment = max(moment, self.last + timedelta(seconds=30))
        self.last = min(moment, self.now)
        return self.last


def _tell(journeys: Journeys, clinic_id: str, story: Story, now: datetime) -> None:
    clock = _RecordingClock(now)
    opened = journeys.open_journey(
        clinic_id,
        OpenJourney(
            patient_ref=story.patient_ref,
            episode=EPISODE,
            protocol=story.protocol,
            primary_clinician=story.team.prescriber,
            presenting_concerns=list(story.concerns),
        ),
        Posting(
            occurred_at=story.opened_at,
            recorded_at=clock.recorded_at(story.opened_at),
            recorded_by=story.team.actor("coordinator"),
            source=DEMO_SOURCE,
        ),
    )
    versions: dict[str, int] = {}
    # In the order the entries were recorded (a story may tell a measure after a series).
    for step in sorted(story.steps, key=lambda s: s.at + (s.late_by or timedelta())):
        try:
            version = _append(journeys, clinic_id, opened.journey_id, step, clock, versions)
        except Exception as error:
            error.add_note(f"while seeding {story.patient_ref}: {step.type} at {step.at}")
            raise
        if step.label:
            versions[step.label] = version


def _append(
    journeys: Journeys,
    clinic_id: str,
    journey_id: UUID,
    step: Step,
    clock: _RecordingClock,
    versions: dict[str, int],
) -> int:
    data = dict(step.data)
    if step.corrects is not None:
        data["corrects_version"] = versions[step.corrects]
    result = journeys.append(
        clinic_id,
        journey_id,
        NewEntry(step.type, data),
        Posting(
            occurred_at=step.at,
            recorded_at=clock.recorded_at(step.at, step.late_by),
            recorded_by=step.by,
            source=DEMO_SOURCE,
        ),
    )
    return result.version
