"""What every mapper shares: stable ids, references, the people who recorded entries,
and the list of resources made so far with the stored entries each came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from interface.fhir.codes import clinic_system
from interface.fhir.journey_record import ClinicalEntry, JourneyRecord, StoredEntry

Resource = dict[str, Any]

IDS = UUID("6f4e1c52-2d7b-5c55-9a0e-3f0f6a1d2b7c")
"""The namespace of ids not tied to one journey (a clinic's patient, its staff)."""


def instant(moment: datetime) -> str:
    """A FHIR instant (and dateTime): UTC, with its offset."""
    return moment.astimezone(UTC).isoformat()


def reference(resource: Resource) -> dict[str, str]:
    return {"reference": f"{resource['resourceType']}/{resource['id']}"}


@dataclass(frozen=True)
class Mapped:
    resource: Resource
    sources: tuple[StoredEntry, ...]
    """The stored entries it came from (its Provenance names them); none for a resource
    the export itself made (its Device)."""


@dataclass
class Builder:
    """One journey's resources as they are made. Ids are stable: the same journey
    exported twice gives the same ids, so a receiver updates instead of duplicating."""

    record: JourneyRecord
    made: list[Mapped] = field(default_factory=list)
    _people: dict[tuple[str, str], Resource] = field(default_factory=dict)

    @property
    def clinic_id(self) -> str:
        return self.record.facts.clinic_id

    def id_for(self, key: str) -> str:
        """The id of this journey's resource named ``key`` (like ``Encounter/session/3``)."""
        return str(uuid5(self.record.journey_id, key))

    def clinic_id_for(self, key: str) -> str:
        """The id of a resource the clinic's journeys share (its patient, its staff)."""
        return str(uuid5(IDS, f"{self.clinic_id}/{key}"))

    def add(self, resource: Resource, sources: Sequence[StoredEntry]) -> Resource:
        self.made.append(Mapped(resource, tuple(sources)))
        return resource

    def ref(self, resource: Resource) -> dict[str, str]:
        return reference(resource)

    def patient(self) -> dict[str, str]:
        return {"reference": f"Patient/{self.patient_id()}"}

    def patient_id(self) -> str:
        """The clinic's patient, the same in each of their journeys (episodes)."""
        return self.clinic_id_for(f"patient/{self.record.facts.patient_ref}")

    def episode(self) -> dict[str, str]:
        return {"reference": f"EpisodeOfCare/{self.record.journey_id}"}

    def who(
        self, staff_id: str, role: str | None, sources: Sequence[StoredEntry]
    ) -> dict[str, str]:
        """A reference to the staff member (a Practitioner) or system (a Device) who did
        it, made the first time they are named; identified by the clinic's own ids only."""
        kind = "Device" if role == "system" else "Practitioner"
        key = (kind, staff_id)
        if key not in self._people:
            identifier = {"system": clinic_system(self.clinic_id, "staff"), "value": staff_id}
            resource: Resource = {
                "resourceType": kind,
                "id": self.clinic_id_for(f"{kind}/{staff_id}"),
                "identifier": [identifier],
            }
            if kind == "Device":
                resource["deviceName"] = [{"name": staff_id, "type": "user-friendly-name"}]
            self._people[key] = self.add(resource, sources[:1])
        return reference(self._people[key])

    def recorder(self, entry: ClinicalEntry) -> dict[str, str]:
        """Who recorded the entry: a Practitioner, or a Device for a clinic's system."""
        by = entry.recorded_by
        return self.who(by["id"], by.get("role"), entry.sources)

    def person(self, entry: ClinicalEntry) -> dict[str, str] | None:
        """Who recorded the entry where R4 accepts only people (an Encounter's participant,
        an Observation's performer, a recorder): None when a clinic's system recorded it."""
        if entry.recorded_by.get("role") == "system":
            return None
        return self.recorder(entry)

    def visit(self, key: str) -> dict[str, str]:
        """The Encounter of a visit (``consultation/4``), as ``encounters`` names it."""
        return {"reference": f"Encounter/{self.id_for(f'Encounter/{key}')}"}

    def session_encounter(self, session: Any) -> dict[str, str] | None:
        """The dosing session's Encounter, if the journey has that session."""
        if session is None or self.record.facts.session(int(session)) is None:
            return None
        return self.visit(f"session/{int(session)}")
