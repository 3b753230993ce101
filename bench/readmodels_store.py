"""A realistic event store, fast: many clinics' journeys written through the domain.

Every journey is opened with ``Journey.open`` and advanced by the aggregate's own
commands (so every rule is checked and every event is a real one), then saved with
``Journeys.save(*aggregates)``: one save carries one event of each of ~100 journeys,
which is what makes writing a million events take minutes instead of hours (the
library takes a table lock per save). Like a real clinic's log, the journeys are
interleaved: ``SLOTS`` journeys are in progress at once, each advancing one step per
round, and a finished journey's slot goes to a new one. The app snapshots every 25
events as in production.

The mix (by journey): most go through intake and a full series (6 sessions on the
standard protocol, 36 events, plus 0-2 vital-sign entries per session; 8 on Spravato
REMS); some stop earlier (consulted, screened, consented, prepared, part-way through
the series, some with an integration pending); a few have a mild adverse event, a
serious one (a safety hold), a late entry or a closure. About 36 events per journey on
average: a million events is about 28,000 journeys. One clinic holds most journeys; a
few smaller ones hold the rest.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from application.journeys import Journeys
from bench.steps import DATA, ROLE_FOR, START
from domain.entries import Actor, Posting
from domain.identity import journey_id_for
from domain.journey import Journey, command_for
from domain.protocols import profile_named

SLOTS = 200  # journeys in progress at once, interleaved in the log
PER_SAVE = 100  # aggregates (one new event each) per save
MAIN_CLINIC = "clinic-main"
OTHER_CLINICS = ("clinic-north", "clinic-south", "clinic-east", "clinic-west")
CLINICIANS = tuple(f"dr-{name}" for name in "abcdefghijklmnopqrst")  # 20 per clinic
SPACING = timedelta(minutes=9)  # between journeys' openings


@dataclass(frozen=True)
class Planned:
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    late: bool = False

    def posting(self) -> Posting:
        role = ROLE_FOR.get(self.type, "therapist")
        recorded = self.occurred_at + (timedelta(days=2) if self.late else timedelta(minutes=1))
        return Posting(self.occurred_at, recorded, Actor(f"{role}-1", role), "bench")


@dataclass(frozen=True)
class Plan:
    clinic_id: str
    patient_ref: str
    protocol: str
    clinician: str
    opened_at: datetime
    steps: list[Planned]

    @property
    def events(self) -> int:
        return 1 + len(self.steps)

    def open(self, id_key: bytes) -> Journey:
        at = self.opened_at
        return Journey.open(
            journey_id=journey_id_for(id_key, self.clinic_id, self.patient_ref, 1),
            clinic_id=self.clinic_id,
            patient_ref=self.patient_ref,
            episode=1,
            profile=profile_named(self.protocol),
            primary_clinician=self.clinician,
            presenting_concerns=["depression"],
            posting=Posting(
                at, at + timedelta(minutes=1), Actor("coord-1", "coordinator"), "bench"
            ),
        )


MORE_DATA: dict[str, dict[str, Any]] = {
    "AdverseEventReported": {
        "session": 1,
        "kind": "nausea",
        "severity": "mild",
        "action_taken": "Ondansetron 4 mg given.",
    },
    "RemsMonitoringFormSubmitted": {"session": 1, "confirmation": "REMS-778812"},
    "JourneyClosed": {"reason": "completed", "summary": "Series completed."},
    "RemsPatientEnrolled": {"enrollment_id": "SPR-PT-1", "enrolled_at": ""},
    "MedicationsReconciled": {
        "medications": [{"name": "sertraline", "class": "antidepressant", "dose": "100 mg"}]
    },
}


def _step(event_type: str, at: datetime, **changes: Any) -> Planned:
    body = copy.deepcopy(DATA.get(event_type) or MORE_DATA[event_type])
    body.update(changes)
    return Planned(event_type, at, body)


def _intake(start: datetime, spravato: bool) -> list[Planned]:
    plan = {"route": "intranasal", "planned_dose_mg": 56} if spravato else None
    prep = {"dosing_plan": plan} if plan else {}
    steps = [
        _step("ConsultationCompleted", start + timedelta(hours=1)),
        _step("OutcomeMeasureRecorded", start + timedelta(hours=1, minutes=30)),
        _step("ScreeningCompleted", start + timedelta(days=2)),
        _step("ConsentSigned", start + timedelta(days=3)),
        _step("PreparationCompleted", start + timedelta(days=4), **prep),
    ]
    if spravato:  # 2027-1: REMS enrollment and a medication list before the first dose
        enrolled = start + timedelta(days=4, minutes=30)
        steps.append(_step("RemsPatientEnrolled", enrolled, enrolled_at=enrolled.isoformat()))
        steps.append(_step("MedicationsReconciled", enrolled + timedelta(minutes=5)))
    return steps


def _session(
    number: int, dose_at: datetime, spravato: bool, adverse: str | None, vitals: int
) -> list[Planned]:
    """One dosing session with ``vitals`` extra vital-sign entries; ``adverse`` ('mild'
    or 'serious') adds a report after the dose, and a serious one ends the session there
    (the journey waits on a safety review)."""
    check = _step("PreDoseCheckCompleted", dose_at - timedelta(minutes=20), session=number)
    check.data["last_food_at"] = (dose_at - timedelta(hours=8)).isoformat()
    check.data["last_clear_liquid_at"] = (dose_at - timedelta(hours=3)).isoformat()
    dose: dict[str, Any] = (
        {
            "route": "intranasal",
            "dose_mg": 56,
            "therapist_present": None,
            "prescriber_on_site": "prescriber-1",
        }
        if spravato
        else {}
    )
    steps = [check, _step("KetamineAdministered", dose_at, session=number, **dose)]
    if adverse is not None:
        steps.append(
            _step(
                "AdverseEventReported",
                dose_at + timedelta(minutes=10),
                session=number,
                severity=adverse,
            )
        )
        if adverse == "serious":
            return steps
    for minutes in range(vitals):
        at = dose_at + timedelta(minutes=15 + minutes)
        steps.append(_step("VitalsRecorded", at, session=number))
    # The 40-minute reading every 2027-1 discharge needs.
    steps.append(_step("VitalsRecorded", dose_at + timedelta(minutes=40), session=number))
    steps.append(_step("GuidedTherapyNoted", dose_at + timedelta(minutes=20), session=number))
    observe = timedelta(minutes=130 if spravato else 75)
    steps.append(_step("PatientDischarged", dose_at + observe, session=number))
    after = "RemsMonitoringFormSubmitted" if spravato else "IntegrationCompleted"
    steps.append(_step(after, dose_at + timedelta(days=1), session=number))
    return steps


def plan_journey(number: int, rng: random.Random) -> Plan:
    """The ``number``th journey of the store: its clinic, protocol and path."""
    clinic = MAIN_CLINIC if rng.random() < 0.85 else rng.choice(OTHER_CLINICS)
    spravato = clinic == "clinic-north" or rng.random() < 0.03
    opened = START + SPACING * number
    intake = _intake(opened, spravato)
    series = 8 if spravato else 6
    # Spravato twice a week (3 then 4 days: eight doses in four weeks), KAP every 3 days.
    offsets = [
        timedelta(days=7 * (n // 2) + 3 * (n % 2)) if spravato else timedelta(days=3 * n)
        for n in range(series + 1)
    ]
    first_dose = opened + timedelta(days=10)
    roll = rng.random()
    steps: list[Planned]
    if roll < 0.02:
        steps = intake[:1]  # consulted
    elif roll < 0.04:
        steps = intake[:3]  # screened
    elif roll < 0.06:
        steps = intake[:4]  # consented
    elif roll < 0.10:
        steps = intake  # prepared, no dose yet
    else:
        partial = roll < 0.22
        sessions = rng.randint(1, series - 1) if partial else series
        adverse_in = rng.randint(1, sessions) if rng.random() < 0.06 else 0
        serious = adverse_in and rng.random() < 0.2
        steps = list(intake)
        for n in range(1, sessions + 1):
            severity = ("serious" if serious else "mild") if n == adverse_in else None
            dose_at = first_dose + offsets[n - 1]
            steps += _session(n, dose_at, spravato, severity, rng.choice((0, 0, 1, 1, 2)))
            if severity == "serious":
                break
        if partial and not serious and rng.random() < 0.5:
            steps = steps[:-1]  # the last session's integration (or REMS form) pending
        if not partial and not serious and rng.random() < 0.05:
            closed_at = first_dose + offsets[series]
            steps.append(_step("JourneyClosed", closed_at))
    if rng.random() < 0.08 and len(steps) > 2:
        i = rng.randrange(1, len(steps))
        steps[i] = Planned(steps[i].type, steps[i].occurred_at, steps[i].data, late=True)
    return Plan(
        clinic_id=clinic,
        patient_ref=f"MRN-{number:07d}",
        protocol="spravato-rems" if spravato else "kap-standard",
        clinician=rng.choice(CLINICIANS),
        opened_at=opened,
        steps=steps,
    )


def plans(events: int, seed: int = 7) -> Iterator[Plan]:
    """Journeys whose events add up to exactly ``events`` (the last one cut short)."""
    rng = random.Random(seed)
    left, number = events, 0
    while left > 0:
        plan = plan_journey(number, rng)
        if plan.events > left:
            plan = Plan(**{**plan.__dict__, "steps": plan.steps[: left - 1]})
        left -= plan.events
        number += 1
        yield plan


@dataclass
class _InProgress:
    journey: Journey
    steps: Iterator[Planned]


def generate(
    app: Journeys, events: int, progress: Callable[[int, float], None] | None = None
) -> dict[str, Any]:
    """Write ``events`` events through the domain; how long it took, and what was written."""
    upcoming = plans(events)
    slots: list[_InProgress] = []
    journeys = written = saves = 0
    started = time.perf_counter()
    reported = started
    exhausted = False
    while True:
        while not exhausted and len(slots) < SLOTS:
            plan = next(upcoming, None)
            if plan is None:
                exhausted = True
                break
            slots.append(_InProgress(plan.open(app.id_key), iter(plan.steps)))  # pending: opened
            journeys += 1
        if not slots:
            break
        # Every slot holds one pending event: its opening, or its next step below.
        for start in range(0, len(slots), PER_SAVE):
            group = [s.journey for s in slots[start : start + PER_SAVE]]
            app.save(*group)
            written += len(group)
            saves += 1
        still: list[_InProgress] = []
        for slot in slots:
            nxt = next(slot.steps, None)
            if nxt is not None:
                command_for(nxt.type)(slot.journey, nxt.data, nxt.posting())
                still.append(slot)
        slots = still
        now = time.perf_counter()
        if progress is not None and now - reported > 10:
            progress(written, now - started)
            reported = now
    seconds = time.perf_counter() - started
    assert written == events, (written, events)
    return {
        "events": written,
        "journeys": journeys,
        "saves": saves,
        "seconds": seconds,
        "events_per_second": written / seconds,
        "in_progress_at_once": SLOTS,
        "aggregates_per_save": PER_SAVE,
    }
