"""Consent, AdverseEvent, CarePlan (the maintenance plan) and Condition (the diagnoses)."""

from __future__ import annotations

from datetime import datetime

from domain.diagnoses import title
from domain.entries import parse_time
from interface.fhir.builder import Builder, Resource, instant
from interface.fhir.codes import (
    AE_OUTCOME,
    AE_SERIOUSNESS,
    AE_SEVERITY,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    CONSENT_SCOPE,
    ICD10CM,
    LOINC,
    concept,
    local_system,
)
from interface.fhir.journey_record import StoredEntry


def consents(builder: Builder) -> None:
    """One Consent per signing; a later withdrawal makes it inactive (and is named in its
    provenance)."""
    entries = builder.record.of_type("ConsentSigned", "ConsentWithdrawn")
    for index, entry in enumerate(entries):
        if entry.type != "ConsentSigned":
            continue
        withdrawn = next((e for e in entries[index + 1 :] if e.type == "ConsentWithdrawn"), None)
        data = entry.data
        sources: list[StoredEntry] = list(entry.sources)
        if withdrawn is not None:
            sources += withdrawn.sources
        form = f"{data.get('form')} version {data.get('form_version')}"
        builder.add(
            {
                "resourceType": "Consent",
                "id": builder.id_for(f"Consent/{entry.version}"),
                "status": "inactive" if withdrawn is not None else "active",
                "scope": concept(CONSENT_SCOPE, "treatment", "Treatment"),
                "category": [concept(LOINC, "59284-0", "Patient Consent")],
                "patient": builder.patient(),
                "dateTime": instant(entry.occurred_at),
                "performer": [builder.patient()],
                "policyRule": {"text": form},
                "provision": {
                    "type": "permit",
                    "period": _period(
                        entry.occurred_at, withdrawn.occurred_at if withdrawn else None
                    ),
                },
            },
            sources,
        )


def _period(start: datetime, end: datetime | None) -> dict[str, str]:
    """Consent in force from its signing until its withdrawal, if any."""
    period = {"start": instant(start)}
    if end is not None:
        period["end"] = instant(end)
    return period


def _own(system: str, code: str) -> Resource:
    """A value of this service's wire contract, under its own code system."""
    return concept(local_system(system), code, code.replace("_", " "))


SERIOUSNESS = {True: ("Serious", "Serious"), False: ("Non-serious", "Non-serious")}
"""R4's codes, capitalised (R5 lower-cased them)."""


def adverse_events(builder: Builder, doses: dict[int, Resource]) -> None:
    for entry in builder.record.of_type("AdverseEventReported"):
        data = entry.data
        severity = str(data["severity"])
        event: Resource = {
            "resourceType": "AdverseEvent",
            "id": builder.id_for(f"AdverseEvent/{entry.version}"),
            "actuality": "actual",
            "event": _own("adverse-event-kind", str(data["kind"])),
            "subject": builder.patient(),
            "date": instant(entry.occurred_at),
            "recordedDate": instant(entry.sources[0].recorded_at),
            "seriousness": concept(AE_SERIOUSNESS, *SERIOUSNESS[severity == "serious"]),
            "severity": concept(AE_SEVERITY, "severe" if severity == "serious" else severity),
        }
        recorder = builder.person(entry)
        if recorder is not None:
            event["recorder"] = recorder
        if data.get("onset_at"):
            event["detected"] = instant(parse_time(data["onset_at"]))
        if data.get("resolved_at"):
            event["outcome"] = concept(AE_OUTCOME, "resolved", "Resolved")
        session = data.get("session")
        encounter = builder.session_encounter(session)
        if encounter is not None:
            event["encounter"] = encounter
            given = [
                doses[e.version]
                for e in builder.record.of_type("KetamineAdministered")
                if e.data.get("session") == session and e.version in doses
            ]
            if given:
                event["suspectEntity"] = [{"instance": builder.ref(d)} for d in given]
        builder.add(event, entry.sources)


def _recorded_by(person: dict[str, str] | None) -> Resource:
    return {} if person is None else {"recorder": person}


def care_plans(builder: Builder) -> None:
    """Each treatment plan update; the latest is active (completed once the journey is
    closed), earlier ones were replaced by it (revoked)."""
    plans = builder.record.of_type("TreatmentPlanUpdated")
    closed = builder.record.facts.closed
    for index, entry in enumerate(plans):
        data = entry.data
        latest = index == len(plans) - 1
        status = ("completed" if closed else "active") if latest else "revoked"
        sessions, weeks = int(data["further_sessions"]), data.get("interval_weeks")
        description = f"{data['phase']}: {sessions} further dosing sessions"
        if weeks:
            description += f", one every {weeks} weeks"
        activity: Resource = {
            "kind": "Appointment",  # each further session is a visit to book
            "status": "scheduled" if status == "active" else "stopped",
            "description": description,
        }
        if weeks:
            activity["scheduledTiming"] = {
                "repeat": {"count": sessions, "frequency": 1, "period": weeks, "periodUnit": "wk"}
            }
        builder.add(
            {
                "resourceType": "CarePlan",
                "id": builder.id_for(f"CarePlan/{entry.version}"),
                "status": status,
                "intent": "plan",
                "category": [_own("plan-phase", str(data["phase"]))],
                "title": f"{str(data['phase']).capitalize()} plan",
                "description": description,
                "subject": builder.patient(),
                "period": {"start": instant(entry.occurred_at)},
                "created": instant(entry.occurred_at),
                "author": builder.recorder(entry),
                "activity": [{"detail": activity}],
            },
            entry.sources,
        )


def conditions(builder: Builder) -> list[Resource]:
    """The diagnoses of the consultation in force (ICD-10-CM), each an encounter diagnosis
    of that consultation."""
    consultation = builder.record.facts.consultation
    if consultation is None:
        return []
    entry = next((e for e in builder.record.entries if e.version == consultation["version"]), None)
    if entry is None:
        return []
    made = []
    for diagnosis in builder.record.facts.diagnoses:
        code = diagnosis["code"]
        made.append(
            builder.add(
                {
                    "resourceType": "Condition",
                    "id": builder.id_for(f"Condition/{entry.version}/{code}"),
                    "clinicalStatus": concept(CONDITION_CLINICAL, "active", "Active"),
                    "verificationStatus": concept(CONDITION_VERIFICATION, "confirmed", "Confirmed"),
                    "category": [
                        concept(CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")
                    ],
                    "code": concept(ICD10CM, code, title(code) or diagnosis.get("description")),
                    "subject": builder.patient(),
                    "encounter": builder.visit(f"consultation/{entry.version}"),
                    "recordedDate": instant(entry.occurred_at),
                    **_recorded_by(builder.person(entry)),
                },
                entry.sources,
            )
        )
    return made
