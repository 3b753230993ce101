"""Provenance: each resource names the stored entries it came from (journey version, log
position, seal hash), so a receiver can tie FHIR data back to the verifiable history; the
export names itself (exporter version) and the log position its bundle reflects."""

from __future__ import annotations

from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from uuid import uuid5

from interface.fhir.builder import IDS, Builder, Resource, instant, reference
from interface.fhir.codes import (
    EXTENSION_ENTRY_TYPE,
    EXTENSION_POSITION,
    EXTENSION_VERSION,
    LOG_POSITION,
    PROVENANCE_AGENT,
    SEAL_HASH,
    concept,
)
from interface.fhir.journey_record import StoredEntry

MAPPING_VERSION = "1"
"""Bumped whenever what a journey maps to changes."""


def exporter_version() -> str:
    try:
        package = version("kap-journeys")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        package = "unknown"
    return f"kap-journeys {package}, FHIR mapping {MAPPING_VERSION}"


def exporter() -> Resource:
    """The export itself, as the Device that assembled the bundle."""
    return {
        "resourceType": "Device",
        "id": str(uuid5(IDS, "fhir-exporter")),
        "deviceName": [{"name": "KAP Journeys FHIR export", "type": "user-friendly-name"}],
        "version": [{"value": exporter_version()}],
    }


def source_entity(builder: Builder, entry: StoredEntry) -> dict[str, Any]:
    """One stored entry as a Provenance source: its seal hash as the identifier, its
    version, log position and type as extensions."""
    what: dict[str, Any] = {
        "display": f"journey {builder.record.journey_id} {entry.type}, version {entry.version}, "
        f"log position {entry.position}" + ("" if entry.hash else " (stored before seals)")
    }
    if entry.hash:
        what["identifier"] = {"system": SEAL_HASH, "value": entry.hash}
    return {
        "extension": [
            {"url": EXTENSION_VERSION, "valueInteger": entry.version},
            {"url": EXTENSION_POSITION, "valueInteger": entry.position},
            {"url": EXTENSION_ENTRY_TYPE, "valueString": entry.type},
        ],
        "role": "source",
        "what": what,
    }


def resource_provenances(builder: Builder) -> list[Resource]:
    """A Provenance per resource made from entries (the people who recorded them are
    made as their agents are named, so the list may grow while it is walked)."""
    made: list[Resource] = []
    index = 0
    while index < len(builder.made):
        mapped = builder.made[index]
        index += 1
        if not mapped.sources:
            continue
        sources = sorted({s.version: s for s in mapped.sources}.values(), key=lambda s: s.version)
        authors = {(s.recorded_by["id"], s.recorded_by.get("role")): s for s in sources}
        resource = mapped.resource
        made.append(
            {
                "resourceType": "Provenance",
                "id": builder.id_for(f"Provenance/{resource['resourceType']}/{resource['id']}"),
                "target": [reference(resource)],
                "recorded": instant(max(s.recorded_at for s in sources)),
                "agent": [
                    {
                        "type": concept(PROVENANCE_AGENT, "author", "Author"),
                        "who": builder.who(staff, role, [s]),
                    }
                    for (staff, role), s in authors.items()
                ],
                "entity": [source_entity(builder, s) for s in sources],
            }
        )
    return made


def bundle_provenance(
    builder: Builder, bundle_identifier: dict[str, str], device: Resource, now: datetime
) -> Resource:
    """The export's own: who assembled it (the exporter and its version), when, and the
    log position (and the last entry's seal) the bundle reflects."""
    last = builder.record.last
    position = {
        "role": "source",
        "what": {
            "identifier": {"system": LOG_POSITION, "value": str(last.position)},
            "display": f"the store's log up to position {last.position}",
        },
    }
    return {
        "resourceType": "Provenance",
        "id": builder.id_for(f"Provenance/Bundle/{last.version}/{instant(now)}"),
        "target": [{"identifier": bundle_identifier}],
        "recorded": instant(now),
        "agent": [
            {
                "type": concept(PROVENANCE_AGENT, "assembler", "Assembler"),
                "who": reference(device),
            }
        ],
        "entity": [position, source_entity(builder, last)],
    }
