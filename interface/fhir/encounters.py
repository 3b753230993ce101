"""An Encounter per consultation, preparation, dosing session and integration.

Consultation, preparation and integration carry their modality (telehealth is the
virtual class); a dosing session is always in person (or, for at-home sublingual KAP,
with a monitor present: still not a virtual encounter) and runs from its pre-dose check
to its discharge.
"""

from __future__ import annotations

from datetime import datetime

from domain.fact_records import SessionFact
from domain.journey_facts import administrations
from interface.fhir.builder import Builder, Resource, instant
from interface.fhir.codes import AMBULATORY, VIRTUAL, concept, local_system
from interface.fhir.journey_record import StoredEntry

VISITS = {
    "ConsultationCompleted": ("consultation", "Initial consultation"),
    "PreparationCompleted": ("preparation", "Preparation session"),
    "IntegrationCompleted": ("integration", "Integration session"),
}
SESSION_ENTRIES = (
    "PreDoseCheckCompleted",
    "KetamineAdministered",
    "VitalsRecorded",
    "GuidedTherapyNoted",
    "PatientDischarged",
    "DosingSessionCancelled",
)


def _encounter(
    builder: Builder,
    key: str,
    kind: tuple[str, str],
    virtual: bool,
    status: str,
    period: dict[str, str],
) -> Resource:
    return {
        "resourceType": "Encounter",
        "id": builder.id_for(f"Encounter/{key}"),
        "status": status,
        "class": VIRTUAL if virtual else AMBULATORY,
        "type": [concept(local_system("encounter-type"), *kind)],
        "subject": builder.patient(),
        "episodeOfCare": [builder.episode()],
        **({"period": period} if period else {}),
    }


def visit_encounters(builder: Builder) -> dict[int, Resource]:
    """Consultations, preparations and integrations, by the version of their entry."""
    made: dict[int, Resource] = {}
    for entry in builder.record.of_type(*VISITS):
        code, display = VISITS[entry.type]
        encounter = _encounter(
            builder,
            f"{code}/{entry.version}",
            (code, display),
            entry.data.get("modality") == "telehealth",
            "finished",
            {"start": instant(entry.occurred_at), "end": instant(entry.occurred_at)},
        )
        person = builder.person(entry)
        if person is not None:
            encounter["participant"] = [{"individual": person}]
        if entry.type == "IntegrationCompleted":
            dosing = builder.session_encounter(entry.data.get("session"))
            if dosing is not None:
                encounter["partOf"] = dosing
        made[entry.version] = builder.add(encounter, entry.sources)
    return made


def session_encounters(builder: Builder) -> None:
    """One per dosing session the journey has opened (by its pre-dose check)."""
    record = builder.record
    for session in record.facts.ordered_sessions():
        number = session["session"]
        entries = [e for e in record.of_type(*SESSION_ENTRIES) if e.data.get("session") == number]
        encounter = _encounter(
            builder,
            f"session/{number}",
            ("dosing_session", f"Dosing session {number}"),
            False,
            _session_status(session),
            _session_period(session),
        )
        people = {e.recorded_by["id"]: e for e in entries}
        participants = [builder.person(e) for e in people.values()]
        if any(participants):
            encounter["participant"] = [{"individual": p} for p in participants if p]
        sources: list[StoredEntry] = [s for e in entries for s in e.sources]
        builder.add(encounter, sources or record.opening.sources)


def _session_status(session: SessionFact) -> str:
    if session["cancellation"] is not None:
        return "cancelled"
    if session["discharge"] is not None:
        return "finished"
    return "in-progress"


def _session_period(session: SessionFact) -> dict[str, str]:
    moments: list[datetime] = [
        fact["at"]
        for fact in (session["pre_dose"], *administrations(session), session["discharge"])
        if fact is not None
    ]
    if session["cancellation"] is not None:
        moments.append(session["cancellation"]["at"])
    if not moments:
        return {}
    period = {"start": instant(min(moments))}
    if session["discharge"] is not None or session["cancellation"] is not None:
        period["end"] = instant(max(moments))
    return period
