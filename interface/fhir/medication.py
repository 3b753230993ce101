"""A MedicationAdministration per dose (and per booster): ketamine or esketamine by RxNorm
code, its route (SNOMED CT), the dose in mg, who gave it, in its dosing session."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from interface.fhir.builder import Builder, Resource, instant
from interface.fhir.codes import ESKETAMINE, KETAMINE, ROUTES, RXNORM, SNOMED, UCUM, concept
from interface.fhir.journey_record import ClinicalEntry

SPRAVATO_ROUTE = "intranasal"


def medication_administrations(builder: Builder) -> dict[int, Resource]:
    """Every administration, by the version of its entry."""
    return {
        entry.version: builder.add(_administration(builder, entry), entry.sources)
        for entry in builder.record.of_type("KetamineAdministered")
    }


def _administration(builder: Builder, entry: ClinicalEntry) -> Resource:
    data = entry.data
    route = str(data["route"])
    # Spravato is the one intranasal product (esketamine); every other route is racemic
    # ketamine, whatever protocol the clinic named.
    drug = ESKETAMINE if route == SPRAVATO_ROUTE else KETAMINE
    administration: Resource = {
        "resourceType": "MedicationAdministration",
        "id": builder.id_for(f"MedicationAdministration/{entry.version}"),
        "status": "completed",
        "medicationCodeableConcept": concept(RXNORM, *drug),
        "subject": builder.patient(),
        "performer": [{"actor": builder.who(str(data["administered_by"]), None, entry.sources)}],
        "dosage": {
            "route": concept(SNOMED, *ROUTES[route]) if route in ROUTES else {"text": route},
            "dose": {"value": data["dose_mg"], "unit": "mg", "system": UCUM, "code": "mg"},
        },
    }
    minutes = data.get("infusion_minutes")
    if isinstance(minutes, int):
        end = entry.occurred_at + timedelta(minutes=minutes)
        administration["effectivePeriod"] = {
            "start": instant(entry.occurred_at),
            "end": instant(end),
        }
    else:
        administration["effectiveDateTime"] = instant(entry.occurred_at)
    encounter = builder.session_encounter(data.get("session"))
    if encounter is not None:
        administration["context"] = encounter
    notes = _notes(data)
    if notes:
        administration["note"] = [{"text": n} for n in notes]
    return administration


def _notes(data: dict[str, Any]) -> list[str]:
    notes = []
    if data.get("booster"):
        notes.append("Booster: a further administration in the same session.")
    if data.get("lot_number"):
        notes.append(f"Lot number {data['lot_number']}.")
    override = data.get("override")
    if isinstance(override, dict):
        by = override.get("by", {})
        notes.append(f"Given under an override by {by.get('id')}: {override.get('reason')}")
    return notes
