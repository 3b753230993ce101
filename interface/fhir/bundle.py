"""A journey as a FHIR R4 ``Bundle`` of type ``collection``, every resource with its
Provenance, plus the export's own Provenance."""

from __future__ import annotations

from datetime import datetime

from interface.fhir.builder import Builder, Resource, instant
from interface.fhir.care import adverse_events, care_plans, conditions, consents
from interface.fhir.codes import BUNDLE
from interface.fhir.encounters import session_encounters, visit_encounters
from interface.fhir.episode import episode_of_care, patient
from interface.fhir.journey_record import JourneyRecord
from interface.fhir.medication import medication_administrations
from interface.fhir.provenance import bundle_provenance, exporter, resource_provenances
from interface.fhir.scales import scale_resources
from interface.fhir.vitals import vital_signs

FHIR_JSON = "application/fhir+json"


def journey_resources(record: JourneyRecord) -> list[Resource]:
    """Every resource the journey maps to, each followed (at the end) by its Provenance,
    and the exporter Device they name."""
    builder = _built(record)
    return _listed(builder)


def _built(record: JourneyRecord) -> Builder:
    builder = Builder(record)
    patient(builder)
    episode_of_care(builder, conditions(builder))
    visits = visit_encounters(builder)
    session_encounters(builder)
    scale_resources(builder)
    vital_signs(builder, visits)
    doses = medication_administrations(builder)
    consents(builder)
    adverse_events(builder, doses)
    care_plans(builder)
    return builder


def _listed(builder: Builder) -> list[Resource]:
    provenances = resource_provenances(builder)
    return [m.resource for m in builder.made] + provenances


def journey_bundle(record: JourneyRecord, now: datetime, base: str) -> Resource:
    """The bundle; ``base`` is the absolute URL its entries' ``fullUrl`` sit under, so the
    relative references between them (``Patient/…``) resolve inside the bundle."""
    builder = _built(record)
    resources = _listed(builder)
    device = exporter()
    identifier = {"system": BUNDLE, "value": f"{record.journey_id}/{record.last.version}"}
    resources += [device, bundle_provenance(builder, identifier, device, now)]
    base = base.rstrip("/")
    return {
        "resourceType": "Bundle",
        "id": builder.id_for(f"Bundle/{record.last.version}/{instant(now)}"),
        "meta": {"lastUpdated": instant(now)},
        "identifier": identifier,
        "type": "collection",
        "timestamp": instant(now),
        "entry": [
            {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }
