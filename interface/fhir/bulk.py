"""A clinic's journeys as FHIR Bulk Data files: one NDJSON file per resource type
(``Patient.ndjson``, ``Observation.ndjson``…), one resource per line, with a manifest
shaped like the Bulk Data export's completion answer.

Resources the clinic's journeys share (a patient seen in several episodes, its staff, the
exporter) are written once. Damaged journeys (entries that no longer fold or decrypt) are
left out and listed in the manifest's ``error``, so one altered journey does not stop a
clinic's export; the journey's verification names what was altered.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from application.errors import JourneyDamagedError, JourneyNotFoundError
from application.journey_log import each_latest_version
from application.journeys import Journeys
from interface.fhir.builder import Resource, instant
from interface.fhir.bundle import journey_resources
from interface.fhir.journey_record import journey_record
from interface.fhir.provenance import exporter

NDJSON = "application/fhir+ndjson"
MANIFEST = "manifest.json"


@dataclass
class ClinicExport:
    """Every resource of the clinic's journeys, by type, each id once."""

    clinic_id: str
    transaction_time: datetime
    log_position: int
    resources: dict[str, dict[str, Resource]] = field(default_factory=dict)
    journeys: list[UUID] = field(default_factory=list)
    damaged: list[UUID] = field(default_factory=list)

    def add(self, resource: Resource) -> None:
        self.resources.setdefault(resource["resourceType"], {}).setdefault(resource["id"], resource)

    def files(self) -> Iterator[tuple[str, bytes]]:
        """(file name, NDJSON bytes) per resource type, types in name order."""
        for kind in sorted(self.resources):
            lines = (
                json.dumps(r, separators=(",", ":"), ensure_ascii=False)
                for r in self.resources[kind].values()
            )
            yield f"{kind}.ndjson", ("\n".join(lines) + "\n").encode()

    def manifest(self, request: str) -> dict[str, Any]:
        return {
            "transactionTime": instant(self.transaction_time),
            "request": request,
            "requiresAccessToken": False,
            "output": [
                {"type": kind, "url": f"{kind}.ndjson", "count": len(self.resources[kind])}
                for kind in sorted(self.resources)
            ],
            "error": [
                {"type": "OperationOutcome", "journey": str(j), "code": "journey_damaged"}
                for j in self.damaged
            ],
            "extension": {
                "clinic": self.clinic_id,
                "logPosition": self.log_position,
                "journeys": len(self.journeys),
            },
        }


def clinic_journey_ids(journeys: Journeys, clinic_id: str, upto: int) -> list[UUID]:
    """The clinic's journeys with an entry at positions 1..upto, by id (each journey's
    opening is read to learn its clinic)."""
    return [
        journey_id
        for page in each_latest_version(journeys.journey_log, upto)
        for journey_id, _ in page
        if journeys.clinic_of_stored(journey_id) == clinic_id
    ]


def export_clinic(
    journeys: Journeys,
    clinic_id: str,
    now: datetime,
    on_journey: Callable[[UUID], None] = lambda _: None,
    ids: list[UUID] | None = None,
) -> ClinicExport:
    """Map every journey of the clinic; ``on_journey`` is called after each (a progress
    bar, the access log)."""
    position = journeys.log_position()
    chosen = ids if ids is not None else clinic_journey_ids(journeys, clinic_id, position)
    export = ClinicExport(clinic_id, now, position)
    export.add(exporter())
    for journey_id in chosen:
        try:
            record = journey_record(journeys, clinic_id, journey_id)
        except JourneyDamagedError:
            export.damaged.append(journey_id)
            continue
        except JourneyNotFoundError:
            continue  # not this clinic's after all
        for resource in journey_resources(record):
            export.add(resource)
        export.journeys.append(journey_id)
        on_journey(journey_id)
    return export


def write_files(export: ClinicExport, directory: Path, request: str) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in export.files():
        path = directory / name
        path.write_bytes(content)
        written.append(path)
    manifest = directory / MANIFEST
    manifest.write_text(json.dumps(export.manifest(request), indent=2) + "\n")
    return [*written, manifest]


def zipped(export: ClinicExport, request: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in export.files():
            archive.writestr(name, content)
        archive.writestr(MANIFEST, json.dumps(export.manifest(request), indent=2) + "\n")
    return buffer.getvalue()
