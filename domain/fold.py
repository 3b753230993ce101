"""How each entry changes a journey's facts.

Handlers, keyed by the entry's payload type (``domain.payloads``), only assign state.
What each records is keyed by the entry's version, so applying a corrected entry again
(``EntryCorrected``) replaces what the original put there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any, TypeVar

from eventsourcing.domain import (
    CanInitAggregate,
    CanSnapshotAggregate,
    OriginatorIDError,
    OriginatorVersionError,
)

from domain.diagnoses import diagnoses_of
from domain.entries import Entry, parse_time
from domain.errors import EntryOutOfPlaceError
from domain.fact_records import DoseFact, Fact, ScreeningFact, SessionFact
from domain.journey_facts import JourneyFacts
from domain.payloads import (
    PAYLOADS,
    AdverseEventReportedPayload,
    ConsentSignedPayload,
    ConsentWithdrawnPayload,
    ConsultationCompletedPayload,
    DosingSessionCancelledPayload,
    GuidedTherapyNotedPayload,
    IntegrationCompletedPayload,
    JourneyClosedPayload,
    JourneyPausedPayload,
    JourneyResumedPayload,
    KetamineAdministeredPayload,
    MedicationsReconciledPayload,
    OutcomeMeasureRecordedPayload,
    PatientDischargedPayload,
    PayloadType,
    PreDoseCheckCompletedPayload,
    PreparationCompletedPayload,
    RemsMonitoringFormSubmittedPayload,
    RemsPatientEnrolledPayload,
    SafetyReviewCompletedPayload,
    ScreeningCompletedPayload,
    TreatmentPlanUpdatedPayload,
    VitalsRecordedPayload,
)
from domain.safety_concerns import Concern, adverse_event_concern, safety_concern
from domain.scales import score

LATE_AFTER_HOURS = 24
LATE_AFTER = timedelta(hours=LATE_AFTER_HOURS)
"""Documented more than this after it occurred: a late entry (C-08)."""

F = TypeVar("F", bound=Fact)


def upsert(records: list[Any], record: Mapping[str, Any]) -> None:
    """Put ``record`` in place of the one from the same version, else add it in version
    order. The records are kept in that order, so a newer entry (the usual case: a
    journey folds in order) goes at the end without a scan; a correction replaces."""
    if not records or records[-1]["version"] < record["version"]:
        records.append(record)
        return
    for index, existing in enumerate(records):
        if existing["version"] == record["version"]:
            records[index] = record
            return
    records.append(record)
    records.sort(key=lambda r: r["version"])


def drop_version(records: list[F], version: int) -> None:
    records[:] = [r for r in records if r["version"] != version]


def _session(facts: JourneyFacts, number: int) -> SessionFact:
    key = str(number)
    if key not in facts.sessions:
        facts.sessions[key] = SessionFact(
            session=number,
            pre_dose=None,
            dose=None,
            discharge=None,
            integration=None,
            cancellation=None,
            rems_form=None,
            boosters=[],
            vitals=[],
        )
    return facts.sessions[key]


def _fact(entry: Entry) -> Fact:
    return Fact(version=entry.version, at=entry.occurred_at)


def supersedes(entry: Entry, current: Fact | None) -> bool:
    """A single-valued fact is replaced by a later entry, or by its own corrected entry,
    never by a correction of an entry it already superseded."""
    return current is None or entry.version >= current["version"]


def _consultation(facts: JourneyFacts, entry: Entry) -> None:
    d = entry.data
    if supersedes(entry, facts.consultation):
        ideation = bool(d["mental_status_exam"]["suicidal_ideation"])
        facts.consultation = {
            **_fact(entry),
            "weight_kg": float(d["weight_kg"]),
            "suicidal_ideation": ideation,
        }
        facts.diagnoses = diagnoses_of(d.get("diagnoses"))


def _measure(facts: JourneyFacts, entry: Entry) -> None:
    d = entry.data
    result = score(d["instrument"], d["items"])
    fact = _fact(entry)
    upsert(
        facts.measures,
        {
            **fact,
            "instrument": result.instrument,
            "items": list(d["items"]),
            "total": result.total,
            "band": result.band,
            "timepoint": d["timepoint"],
            "session": d.get("session"),
            "behaviour_within_3_months": d.get("behaviour_within_3_months"),
        },
    )
    concern = safety_concern(
        d["instrument"], d["items"], facts.profile, bool(d.get("behaviour_within_3_months"))
    )
    _raise_safety_trigger(facts, entry, concern)


def _screening(facts: JourneyFacts, entry: Entry) -> None:
    screening: ScreeningFact = {
        **_fact(entry),
        "decision": entry.data["decision"],
        "childbearing_potential": entry.data.get("childbearing_potential"),
    }
    upsert(facts.screenings, screening)
    if supersedes(entry, facts.screening):
        facts.screening = screening


def _consent(signed: bool) -> Callable[[JourneyFacts, Entry], None]:
    def handler(facts: JourneyFacts, entry: Entry) -> None:
        upsert(
            facts.consents,
            {
                **_fact(entry),
                "signed": signed,
                "risks_discussed": entry.data.get("risks_discussed"),
                "form_version": entry.data.get("form_version"),
            },
        )

    return handler


def _preparation(facts: JourneyFacts, entry: Entry) -> None:
    if supersedes(entry, facts.preparation):
        facts.preparation = _fact(entry)


def _pre_dose_check(facts: JourneyFacts, entry: Entry) -> None:
    d = entry.data
    transport = d.get("transport") or {}
    session = _session(facts, d["session"])
    if not supersedes(entry, session["pre_dose"]):
        return
    session["pre_dose"] = {
        **_fact(entry),
        "last_food_at": parse_time(d["last_food_at"]),
        "last_clear_liquid_at": parse_time(d["last_clear_liquid_at"]),
        "alcohol_or_drugs_last_24h": bool(d["alcohol_or_drugs_last_24h"]),
        "transport_arranged": bool(transport.get("arranged")),
        "vitals": dict(d["vitals"]),
        "pregnancy_test": d.get("pregnancy_test"),
        "weight_kg": float(d["weight_kg"]) if d.get("weight_kg") is not None else None,
    }


def _override(facts: JourneyFacts, entry: Entry, what: str) -> None:
    drop_version(facts.overrides, entry.version)
    override = entry.data.get("override")
    if override:
        by = override["by"]
        upsert(
            facts.overrides,
            {
                **_fact(entry),
                "by": f"{by['id']} ({by['role']})",
                "reason": override["reason"],
                "what": what,
            },
        )


def _dose(facts: JourneyFacts, entry: Entry) -> None:
    d = entry.data
    session = _session(facts, d["session"])
    dose: DoseFact = {
        **_fact(entry),
        "route": d["route"],
        "dose_mg": float(d["dose_mg"]),
        "weight_kg": float(d["weight_kg"]),
        "therapist_present": d.get("therapist_present"),
        "prescriber_on_site": d.get("prescriber_on_site"),
        "override": d.get("override"),
        "booster": bool(d.get("booster")),
        "infusion_minutes": d.get("infusion_minutes"),
        "lot_number": d.get("lot_number"),
    }
    if dose["booster"]:
        upsert(session["boosters"], dose)
    else:
        session["dose"] = dose
    what = "booster" if dose["booster"] else "dose"
    _override(facts, entry, f"{what} in session {d['session']}")


_RESOLVED = ("sedation", "dissociation", "respiratory_depression")


def _discharge(facts: JourneyFacts, entry: Entry) -> None:
    d = entry.data
    _session(facts, d["session"])["discharge"] = {
        **_fact(entry),
        "alert_and_oriented": bool(d["alert_and_oriented"]),
        "released_to": d.get("released_to"),
        "override": d.get("override"),
        "vitals": dict(d["vitals"]),
        "resolved": {what: d.get(f"{what}_resolved") for what in _RESOLVED},
    }
    _override(facts, entry, f"discharge in session {d['session']}")


def _vitals(facts: JourneyFacts, entry: Entry) -> None:
    session = _session(facts, entry.data["session"])
    upsert(session["vitals"], {**_fact(entry), "vitals": dict(entry.data["vitals"])})


def _cancellation(facts: JourneyFacts, entry: Entry) -> None:
    session = _session(facts, entry.data["session"])
    session["cancellation"] = {**_fact(entry), "reason": entry.data["reason"]}


def _integration(facts: JourneyFacts, entry: Entry) -> None:
    _session(facts, entry.data["session"])["integration"] = _fact(entry)


def _rems_form(facts: JourneyFacts, entry: Entry) -> None:
    _session(facts, entry.data["session"])["rems_form"] = _fact(entry)


def _time_or_none(value: Any) -> Any:
    return parse_time(value) if value is not None else None


def _adverse_event(facts: JourneyFacts, entry: Entry) -> None:
    d = entry.data
    upsert(
        facts.adverse_events,
        {
            **_fact(entry),
            "kind": d["kind"],
            "severity": d["severity"],
            "session": d.get("session"),
            "onset_at": _time_or_none(d.get("onset_at")),
            "resolved_at": _time_or_none(d.get("resolved_at")),
            "reported_to": list(d.get("reported_to") or []),
        },
    )
    _raise_safety_trigger(facts, entry, adverse_event_concern(d, facts.profile))


def _raise_safety_trigger(facts: JourneyFacts, entry: Entry, concern: Concern | None) -> None:
    """Raise (or, on correction, keep or withdraw) the hold this entry's content calls for.

    A trigger counts from the event that raised it: one revealed by a correction needs
    a review after that correction, while one already reviewed stays reviewed.
    """
    earlier = next((t for t in facts.safety_triggers if t["version"] == entry.version), None)
    drop_version(facts.safety_triggers, entry.version)
    if concern is None:
        return
    same = earlier and (earlier["reason"], earlier["level"]) == (concern.reason, concern.level)
    raised_in = earlier["raised_in"] if earlier and same else entry.applied_in
    upsert(
        facts.safety_triggers,
        {
            **_fact(entry),
            "reason": concern.reason,
            "raised_in": raised_in,
            "concern": concern.concern,
            "level": concern.level,
        },
    )


def _safety_review(facts: JourneyFacts, entry: Entry) -> None:
    d = entry.data
    upsert(
        facts.safety_reviews,
        {
            **_fact(entry),
            "cleared": bool(d["cleared"]),
            "safety_plan": bool(d.get("safety_plan")),
            "interactions_reviewed": bool(d.get("interactions_reviewed")),
            "by": entry.recorded_by,
        },
    )


def _plan(facts: JourneyFacts, entry: Entry) -> None:
    d = entry.data
    upsert(
        facts.plans,
        {
            **_fact(entry),
            "phase": d["phase"],
            "further_sessions": int(d["further_sessions"]),
            "interval_weeks": d.get("interval_weeks"),
        },
    )


def _enrollment(facts: JourneyFacts, entry: Entry) -> None:
    d = entry.data
    if supersedes(entry, facts.enrollment):
        facts.enrollment = {
            **_fact(entry),
            "enrollment_id": d["enrollment_id"],
            "enrolled_at": parse_time(d["enrolled_at"]),
        }


def _medications(facts: JourneyFacts, entry: Entry) -> None:
    medications = [dict(m) for m in entry.data["medications"]]
    upsert(
        facts.medication_lists,
        {
            **_fact(entry),
            "medications": medications,
            "classes": sorted({m["class"] for m in medications}),
        },
    )


def _pause(paused: bool) -> Callable[[JourneyFacts, Entry], None]:
    def handler(facts: JourneyFacts, entry: Entry) -> None:
        upsert(facts.pauses, {**_fact(entry), "paused": paused})

    return handler


def _closure(facts: JourneyFacts, entry: Entry) -> None:
    facts.closure = {**_fact(entry), "reason": entry.data["reason"]}


def _nothing(facts: JourneyFacts, entry: Entry) -> None:
    """Documentation only (therapy notes): kept in history, no status change."""


Fold = Callable[[JourneyFacts, Entry], None]

HANDLERS: dict[PayloadType, Fold] = {
    ConsultationCompletedPayload: _consultation,
    OutcomeMeasureRecordedPayload: _measure,
    ScreeningCompletedPayload: _screening,
    ConsentSignedPayload: _consent(signed=True),
    ConsentWithdrawnPayload: _consent(signed=False),
    PreparationCompletedPayload: _preparation,
    PreDoseCheckCompletedPayload: _pre_dose_check,
    KetamineAdministeredPayload: _dose,
    VitalsRecordedPayload: _vitals,
    GuidedTherapyNotedPayload: _nothing,
    AdverseEventReportedPayload: _adverse_event,
    PatientDischargedPayload: _discharge,
    DosingSessionCancelledPayload: _cancellation,
    IntegrationCompletedPayload: _integration,
    TreatmentPlanUpdatedPayload: _plan,
    SafetyReviewCompletedPayload: _safety_review,
    RemsMonitoringFormSubmittedPayload: _rems_form,
    JourneyPausedPayload: _pause(paused=True),
    JourneyResumedPayload: _pause(paused=False),
    JourneyClosedPayload: _closure,
    RemsPatientEnrolledPayload: _enrollment,
    MedicationsReconciledPayload: _medications,
}
"""How each payload type changes the facts (EntryCorrected re-applies the entry it
corrects: ``Journey.EntryCorrected.apply``)."""


# What a handler raises when an entry's content is not what its type records.
_MISFIT = (LookupError, TypeError, ValueError, AttributeError)


def apply_entry(facts: JourneyFacts, entry: Entry) -> None:
    """Fold one entry (new, or corrected in place) into the facts."""
    try:
        HANDLERS[PAYLOADS[entry.type]](facts, entry)
    except _MISFIT:
        raise EntryOutOfPlaceError(entry.version, entry.type) from None


def fold_journey(journey: Any, events: Iterable[Any]) -> Any:
    """Fold stored events onto ``journey`` (None before the opening), in stored order.

    The library's own fold asserts or fails deep inside a handler when stored entries
    were swapped or rewritten; this one names the first entry that does not fit.
    """
    for event in events:
        version, type_name = event.originator_version, type(event).__name__
        starts = isinstance(event, CanInitAggregate | CanSnapshotAggregate)
        if (journey is None) != starts:
            raise EntryOutOfPlaceError(version, type_name)
        try:
            journey = event.mutate(journey)
            if starts:
                _ = journey.facts  # a snapshot's facts fit today's shape, or it is out of place
        except (*_MISFIT, OriginatorIDError, OriginatorVersionError):
            raise EntryOutOfPlaceError(version, type_name) from None
    return journey


def is_late(entry: Entry) -> bool:
    return entry.recorded_at - entry.occurred_at > LATE_AFTER


def note_arrival(facts: JourneyFacts, entry: Entry, idempotency_key: str | None) -> None:
    """Bookkeeping every posted entry gets: last activity, lateness, retry key."""
    facts.last_event_at = entry.recorded_at
    if entry.by is not None:
        roles = facts.staff_seen.setdefault(entry.by.id, [])
        if entry.by.role not in roles:
            roles.append(entry.by.role)
    if is_late(entry):
        facts.late_entries.append(
            {
                "version": entry.version,
                "at": entry.occurred_at,
                "type": entry.type,
                "recorded_at": entry.recorded_at,
                "by": entry.recorded_by,
            }
        )
    if idempotency_key:
        facts.idempotency[idempotency_key] = entry.version
