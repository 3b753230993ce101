"""A session's Spravato Patient Monitoring Form, filled in from the journey's record.

Staff copy the REMS form from what was already recorded; whatever the record cannot
fill is named in ``missing``, so they see at once what to look up before submitting it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.fact_records import AdverseEventFact, DoseFact, MedicationListFact, SessionFact
from domain.journey_facts import JourneyFacts

MG_PER_DEVICE = 28
"""One Spravato nasal spray device holds 28 mg: 56 mg is two devices, 84 mg three."""

FORM_READING_MINUTES = 40
"""The form's in-session reading: "approximately 40 minutes" after administration."""

EFFECT_KINDS = {
    "sedation": "excessive_sedation",
    "dissociation": "dissociation_distress",
    "respiratory_depression": "respiratory_depression",
}
"""Each effect the form asks about, and the adverse event kind that records it."""


@dataclass(frozen=True)
class FormReading:
    """One set of vital signs on the form, with when it was taken."""

    at: datetime
    minutes_after_dose: int
    systolic: int
    diastolic: int
    heart_rate: int
    spo2: int | None


@dataclass(frozen=True)
class FormEffect:
    """Whether an effect occurred in the session, and whether it resolved by discharge."""

    occurred: bool | None
    resolved: bool | None


@dataclass(frozen=True)
class RemsForm:
    """The Patient Monitoring Form of one dosed session; None where the record is silent."""

    session: int
    patient_ref: str
    enrollment_id: str | None
    administered_at: datetime
    dose_mg: float
    devices: int | None
    lot_number: str | None
    prescriber_on_site: str | None
    blood_pressure_before: FormReading | None
    blood_pressure_at_40_minutes: FormReading | None
    blood_pressure_at_discharge: FormReading | None
    sedation: FormEffect
    dissociation: FormEffect
    respiratory_depression: FormEffect
    discharged_at: datetime | None
    monitoring_minutes: int | None
    concomitant_medications: list[dict[str, str]] | None
    adverse_events: list[AdverseEventFact]
    due_at: datetime | None
    submitted_at: datetime | None
    missing: list[str]
    """The form's fields the record cannot fill (dotted for a part of one)."""


def rems_form(facts: JourneyFacts, session: SessionFact) -> RemsForm:
    """The form of a dosed ``session`` (the caller checks it was dosed)."""
    dose = session["dose"]
    if dose is None:
        raise ValueError(f"session {session['session']} has no dose: it has no REMS form")
    discharge = session["discharge"]
    events = [e for e in facts.adverse_events if e["session"] == session["session"]]
    pre_dose = session["pre_dose"]
    medications = _medications_at(facts, dose["at"])
    form = RemsForm(
        session=session["session"],
        patient_ref=facts.patient_ref,
        enrollment_id=facts.enrollment["enrollment_id"] if facts.enrollment else None,
        administered_at=dose["at"],
        dose_mg=dose["dose_mg"],
        devices=_devices(dose),
        lot_number=dose["lot_number"],
        prescriber_on_site=dose["prescriber_on_site"],
        blood_pressure_before=_reading(dose, pre_dose["at"], pre_dose["vitals"])
        if pre_dose
        else None,
        blood_pressure_at_40_minutes=_forty_minute_reading(facts, session, dose),
        blood_pressure_at_discharge=_reading(dose, discharge["at"], discharge["vitals"])
        if discharge and discharge["vitals"]
        else None,
        sedation=_effect("sedation", events, session),
        dissociation=_effect("dissociation", events, session),
        respiratory_depression=_effect("respiratory_depression", events, session),
        discharged_at=discharge["at"] if discharge else None,
        monitoring_minutes=_minutes(dose["at"], discharge["at"]) if discharge else None,
        concomitant_medications=[dict(m) for m in medications["medications"]]
        if medications
        else None,
        adverse_events=events,
        due_at=facts.due_at("rems_form", session),
        submitted_at=session["rems_form"]["at"] if session["rems_form"] else None,
        missing=[],
    )
    return replace(form, missing=missing_fields(form))


def missing_fields(form: RemsForm) -> list[str]:
    """The form's fields left empty, in the form's order (the submission itself is not
    one: an unsubmitted form is what this answer is for)."""
    missing = []
    for name, value in vars(form).items():
        if name in {"missing", "submitted_at", "due_at", "prescriber_on_site"}:
            continue
        if value is None:
            missing.append(name)
        elif isinstance(value, FormReading | FormEffect):
            missing += [f"{name}.{part}" for part, v in vars(value).items() if v is None]
    return missing


def _minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def _devices(dose: DoseFact) -> int | None:
    devices, rest = divmod(dose["dose_mg"], MG_PER_DEVICE)
    return int(devices) if rest == 0 and devices > 0 else None


def _reading(dose: DoseFact, at: datetime, vitals: dict[str, Any]) -> FormReading:
    return FormReading(
        at=at,
        minutes_after_dose=_minutes(dose["at"], at),
        systolic=vitals["systolic"],
        diastolic=vitals["diastolic"],
        heart_rate=vitals["heart_rate"],
        spo2=vitals.get("spo2"),
    )


def _forty_minute_reading(
    facts: JourneyFacts, session: SessionFact, dose: DoseFact
) -> FormReading | None:
    """The session's reading in the profile's monitoring window after the dose; without
    one in it (or without a window), the reading after the dose closest to 40 minutes."""
    readings = [_reading(dose, v["at"], v["vitals"]) for v in session["vitals"]]
    after = [r for r in readings if r.at >= dose["at"]]
    window = facts.profile.monitoring_reading_minutes
    if window is not None:
        start, end = window
        inside = [r for r in after if start <= r.minutes_after_dose <= end]
        after = inside or after
    if not after:
        return None
    return min(after, key=lambda r: (abs(r.minutes_after_dose - FORM_READING_MINUTES), r.at))


def _effect(name: str, events: list[AdverseEventFact], session: SessionFact) -> FormEffect:
    """Occurred: an adverse event of its kind in the session; once the session is
    discharged, none reported means it did not occur. Resolved: as the discharge says."""
    discharge = session["discharge"]
    occurred: bool | None = any(e["kind"] == EFFECT_KINDS[name] for e in events)
    if not occurred and discharge is None:
        occurred = None  # still being observed: the record cannot say no yet
    resolved = discharge["resolved"].get(name) if discharge else None
    return FormEffect(occurred=occurred, resolved=resolved)


def _medications_at(facts: JourneyFacts, at: datetime) -> MedicationListFact | None:
    """The medication list in force when the dose was given: the latest reconciled by then."""
    before = [m for m in facts.medication_lists if m["at"] <= at]
    return max(before, key=lambda m: (m["at"], m["version"])) if before else None
