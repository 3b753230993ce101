"""The patient (identified only by the clinic's reference) and the journey as an EpisodeOfCare."""

from __future__ import annotations

from interface.fhir.builder import Builder, Resource, instant
from interface.fhir.codes import (
    IDENTIFIER_TYPE,
    JOURNEY,
    clinic_system,
    coding,
    concept,
    local_system,
)

EPISODE_STATUS = {
    "opened": "planned",
    "consulted": "active",
    "screened": "active",
    "consented": "active",
    "prepared": "active",
    "in_treatment": "active",
    "series_complete": "active",
    "maintenance": "active",
    "paused": "onhold",
    "ineligible": "finished",
    "closed": "finished",
}
"""The journey's stage as an EpisodeOfCare status: planned until the consultation, on hold
while paused, finished once closed or found ineligible (no more care is expected)."""

STEERING = ("JourneyPaused", "JourneyResumed", "JourneyClosed", "ScreeningCompleted")
"""The entries besides the opening that set the episode's status or period."""


def patient(builder: Builder) -> Resource:
    """No name, birth date or other demographics: the service holds none."""
    facts = builder.record.facts
    opening = builder.record.opening
    return builder.add(
        {
            "resourceType": "Patient",
            "id": builder.patient_id(),
            "identifier": [
                {
                    "use": "usual",
                    "type": {"coding": [coding(IDENTIFIER_TYPE, "MR", "Medical record number")]},
                    "system": clinic_system(facts.clinic_id, "patient-ref"),
                    "value": facts.patient_ref,
                }
            ],
        },
        opening.sources,
    )


def episode_of_care(builder: Builder, conditions: list[Resource]) -> Resource:
    record = builder.record
    facts = record.facts
    period = {"start": instant(facts.opened_at)}
    if facts.closure is not None:
        period["end"] = instant(facts.closure["at"])
    sources = [s for e in record.of_type("JourneyOpened", *STEERING) for s in e.sources]
    if record.last not in sources:
        sources.append(record.last)  # the status is judged at the last entry in view
    episode: Resource = {
        "resourceType": "EpisodeOfCare",
        "id": str(record.journey_id),
        "identifier": [{"system": JOURNEY, "value": str(record.journey_id)}],
        "status": EPISODE_STATUS[record.stage],
        "type": [concept(local_system("protocol"), facts.protocol["name"], facts.protocol["name"])],
        "patient": builder.patient(),
        "period": period,
        "careManager": builder.who(facts.primary_clinician, "prescriber", record.opening.sources),
    }
    if conditions:
        episode["diagnosis"] = [
            {"condition": builder.ref(c), "rank": rank}
            for rank, c in enumerate(conditions, start=1)
        ]
    return builder.add(episode, sources)
