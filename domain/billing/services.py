"""The billable services a journey's record shows, each with its code chosen by rule.

One service per consultation, preparation and integration entry, and per complete
dosing session (dosed, discharged, not cancelled). A service whose time is too short
to bill is left out with a note saying why; nothing here reads a fee.

Who rendered each: the clinician who recorded the consultation, preparation or
integration; for a dosing visit, the prescriber on site if the dose names one, else the
journey's primary clinician. The guided therapy of a dosing session is billed as the
visit's psychotherapy add-on when that same clinician noted it (CPT reports an add-on by
the practitioner of its primary code), and as psychotherapy of its own under the
clinician who noted it otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.billing.codes import (
    MIN_PSYCHOTHERAPY_MINUTES,
    esketamine_code,
    psychotherapy_add_on_code,
    psychotherapy_code,
    visit_code,
)
from domain.billing.record import (
    DosingSession,
    dosing_sessions,
    recorded_minutes,
    whole_minutes,
)
from domain.entries import Entry

RECORDED = "record"
"""The minutes come from the record: the ``minutes`` the entries record, else their times."""
CLINIC_STANDARD = "clinic standard"
"""The entry records no length: the clinic's standard session length is billed."""


@dataclass(frozen=True)
class Service:
    """One code to bill: what, when, by whom, for how long and how many units."""

    code: str
    at: datetime
    clinician: str
    what: str
    """The service in words: "Consultation", "Dosing session 2: visit"..."""
    version: int
    """The entry it comes from (a dosing session's: its dose)."""
    units: int = 1
    minutes: int | None = None
    minutes_from: str | None = None
    telehealth: bool = False


@dataclass(frozen=True)
class Services:
    found: list[Service]
    notes: list[str]
    """Why a service of the record is not billed (too short, visit not complete)."""


def billable_services(
    entries: Sequence[Entry], primary_clinician: str, standard_minutes: Mapping[str, int]
) -> Services:
    """Every billable service of the effective ``entries``, in the order they happened."""
    found: list[Service] = []
    notes: list[str] = []
    for entry in entries:
        if entry.type == "ConsultationCompleted":
            found.append(_service(entry, "90792", "Consultation"))
        elif entry.type in ("PreparationCompleted", "IntegrationCompleted"):
            _talk_session(entry, standard_minutes, found, notes)
    for session in dosing_sessions(entries):
        if session.billable:
            _dosing_visit(session, primary_clinician, found, notes)
        elif session.dose is not None and not session.cancelled:
            notes.append(f"Dosing session {session.number} is not billed until its discharge.")
    found.sort(key=lambda s: s.at)  # stable: a session's visit, therapy, injection
    return Services(found, notes)


def _service(entry: Entry, code: str, what: str, **more: Any) -> Service:
    return Service(
        code=code,
        at=entry.occurred_at,
        clinician=entry.by.id if entry.by else "",
        what=what,
        version=entry.version,
        telehealth=entry.data.get("modality") == "telehealth",
        **more,
    )


def _talk_session(
    entry: Entry, standard: Mapping[str, int], found: list[Service], notes: list[str]
) -> None:
    kind = "preparation" if entry.type == "PreparationCompleted" else "integration"
    what = (
        "Preparation" if kind == "preparation" else f"Integration (session {entry.data['session']})"
    )
    recorded = recorded_minutes(entry)
    if recorded is not None:
        minutes, source = recorded, RECORDED
    else:
        minutes, source = standard[kind], CLINIC_STANDARD
    code = psychotherapy_code(minutes)
    if code is None:
        notes.append(f"{what}: {minutes} min is under {MIN_PSYCHOTHERAPY_MINUTES}, not billed.")
        return
    found.append(_service(entry, code, what, minutes=minutes, minutes_from=source))


def _dosing_visit(
    session: DosingSession, primary_clinician: str, found: list[Service], notes: list[str]
) -> None:
    dose, discharge = session.dose, session.discharge
    if dose is None or discharge is None:  # not billable (see DosingSession.billable)
        return
    n = session.number
    prescriber = str(dose.data.get("prescriber_on_site") or primary_clinician)

    def line(code: str, what: str, **more: Any) -> Service:
        return Service(code, dose.occurred_at, prescriber, what, dose.version, **more)

    if dose.data.get("route") == "intranasal":
        total = sum(float(a.data["dose_mg"]) for a in session.administrations)
        found.append(line(esketamine_code(total), f"Dosing session {n}: esketamine {total:g} mg"))
        return
    start = session.pre_dose.occurred_at if session.pre_dose else dose.occurred_at
    therapy = _guided_therapy(session, start, prescriber, notes)
    # CPT: the psychotherapy's minutes do not count toward the visit's time.
    therapy_minutes = (therapy.minutes or 0) if therapy is not None else 0
    visit = whole_minutes(start, discharge.occurred_at) - therapy_minutes
    found.append(
        line(visit_code(visit), f"Dosing session {n}: visit", minutes=visit, minutes_from=RECORDED)
    )
    if therapy is not None:
        found.append(therapy)
    injections = sum(1 for a in session.administrations if a.data.get("route") == "im")
    if injections:
        found.append(line("96372", f"Dosing session {n}: IM injection", units=injections))


def _guided_therapy(
    session: DosingSession, start: datetime, prescriber: str, notes: list[str]
) -> Service | None:
    """The guided therapy noted after the dose: the visit's add-on when the prescriber
    noted it, else psychotherapy under its therapist."""
    dose, discharge = session.dose, session.discharge
    if dose is None or discharge is None:
        return None
    noted = [e for e in session.therapy_notes if e.occurred_at > dose.occurred_at]
    if not noted:
        return None
    last = noted[-1]
    recorded = [m for m in map(recorded_minutes, noted) if m is not None]
    if recorded:
        # The notes' own minutes, each note its part; never more than the visit lasted.
        minutes = min(sum(recorded), whole_minutes(start, discharge.occurred_at))
    else:
        minutes = whole_minutes(dose.occurred_at, min(last.occurred_at, discharge.occurred_at))
    therapist = last.by.id if last.by else ""
    add_on = therapist == prescriber
    code = psychotherapy_add_on_code(minutes) if add_on else psychotherapy_code(minutes)
    what = f"Dosing session {session.number}: guided therapy"
    if code is None:
        notes.append(f"{what}: {minutes} min is under {MIN_PSYCHOTHERAPY_MINUTES}, not billed.")
        return None
    return Service(
        code,
        dose.occurred_at,
        therapist,
        what,
        dose.version if add_on else last.version,
        minutes=minutes,
        minutes_from=RECORDED,
    )
