"""Random but valid journeys: each one a script of steps its own rules accept, in order.

A script is written ahead for one journey from a seeded generator, so many journeys
can be interleaved in any order: each one's validity depends only on its own steps.
Versions are known in advance (the opening is version 1), so a script can correct its
own earlier entries. Scripts reach every stage, both protocols, safety holds,
corrections, cancellations, adverse events, overrides, pauses and late entries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tests.story import START, Step, data, intake, phq9, step

MIN, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
LATE = timedelta(days=2)
"""How long after it occurred a late entry is recorded (late: more than 24 h)."""
PROTOCOLS = ("kap-standard", "spravato-rems")
CLINICS = ("clinic-a", "clinic-b")
SERIES = {"kap-standard": 6, "spravato-rems": 8}
GAP = {"kap-standard": 3 * DAY, "spravato-rems": 7 * DAY}
"""Between doses of the series: Spravato weekly, within every week's cap (2027-1)."""
MAINTENANCE_GAP = 7 * DAY
"""Between maintenance doses: the plans here are weekly (``interval_weeks`` 1)."""
RECONCILED_WITHIN = 25 * DAY
"""A Spravato dose needs a medication reconciliation within 30 days: renewed sooner."""
OBSERVE = {"kap-standard": 75 * MIN, "spravato-rems": 130 * MIN}
VITALS = {"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 98}
HIGH_BP = {**VITALS, "systolic": 150, "diastolic": 95}  # a dose needs an override
HELD_BP = {**VITALS, "systolic": 185, "diastolic": 100}  # no dose: cancel the session
OVERRIDE = {"by": {"id": "prescriber-1", "role": "prescriber"}, "reason": "Stable on repeat."}
CALM_PHQ9 = ([2, 3, 2, 2, 2, 2, 2, 2, 0], [1, 1, 2, 1, 0, 1, 1, 0, 0], [3, 3, 3, 2, 2, 2, 2, 2, 0])
SELF_HARM_PHQ9 = [2, 3, 2, 2, 2, 2, 2, 2, 1]  # item 9 raises a safety hold


@dataclass(frozen=True)
class Line:
    step: Step
    late: bool = False

    @property
    def recorded_at(self) -> datetime:
        return self.step.occurred_at + (LATE if self.late else MIN)


@dataclass
class Script:
    number: int
    protocol: str
    clinic: str
    lines: list[Line] = field(default_factory=list)

    @property
    def patient_ref(self) -> str:
        return f"MRN-{self.number:04d}"

    def add(self, s: Step, late: bool = False) -> int:
        """Append a step; its version (the opening is version 1)."""
        self.lines.append(Line(s, late))
        return len(self.lines) + 1


class _Writer:
    def __init__(self, rng: random.Random, script: Script, corrections: bool) -> None:
        self.rng, self.script, self.corrections = rng, script, corrections
        self.protocol = script.protocol
        self.spravato = script.protocol == "spravato-rems"
        self.t = START
        self.reconciled: datetime | None = None

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def add(self, s: Step, late: bool = False) -> int:
        self.t = max(self.t, s.occurred_at)
        return self.script.add(s, late)

    def correct(self, version: int, changes: dict[str, Any], role: str = "therapist") -> None:
        """A correction, by the role that records the corrected entry (J-17)."""
        if self.corrections:
            body = {"corrects_version": version, "reason": "Keyed wrongly.", "data": changes}
            self.add(Step("EntryCorrected", self.t + HOUR, body, role))

    def intake(self) -> bool:
        """Consultation to preparation, stopping at a random stage; True to go on dosing."""
        stop = self.rng.choices(range(7), weights=[1, 1, 1, 1, 1, 1, 10])[0]
        if stop == 0:
            return False
        consultation, baseline, screening, consent, preparation, *rems = intake(
            START, route="intranasal" if self.spravato else "im"
        )
        self.add(consultation)
        held = self.chance(0.12)
        items = SELF_HARM_PHQ9 if held else self.rng.choice(CALM_PHQ9)
        baseline_version = self.add(phq9(items, baseline.occurred_at), late=self.chance(0.1))
        if stop == 1:
            return False
        if stop == 2:  # screened ineligible, perhaps closed
            self.add(step("ScreeningCompleted", screening.occurred_at, decision="ineligible"))
            if self.chance(0.5):
                self.add(step("JourneyClosed", self.t + DAY, reason="ineligible"))
            return False
        self.add(screening)
        if stop == 3:
            return False
        self.add(consent)
        if self.chance(0.1):  # withdrawn, then signed again
            self.add(step("ConsentWithdrawn", self.t + HOUR))
            self.add(Step("ConsentSigned", self.t + HOUR, consent.data, consent.role))
        if stop == 4:
            return False
        self.add(preparation)
        for s in rems:  # Spravato: the REMS enrollment and the medication list
            self.add(s)
            if s.type == "MedicationsReconciled":
                self.reconciled = s.occurred_at
        if self.chance(0.2):
            calm = [*self.rng.choice(CALM_PHQ9)[:8], items[8]]
            self.correct(baseline_version, {"items": calm})
        if held:
            if stop == 5 or self.chance(0.2):
                return False  # left on hold
            self.add(step("SafetyReviewCompleted", self.t + HOUR))
        return stop == 6

    def sessions(self) -> None:
        allowed, doses, number = SERIES[self.protocol], 0, 1
        dose_at = START + 5 * DAY + HOUR
        for _ in range(self.rng.randint(1, SERIES[self.protocol] + 3)):
            if doses >= allowed:
                if not self.chance(0.6):
                    return
                if allowed == SERIES[self.protocol]:  # a plan follows the series' PHQ-9
                    self.add(phq9(list(CALM_PHQ9[1]), self.t + HOUR, "end_of_series"))
                plan = step(
                    "TreatmentPlanUpdated", self.t + DAY, further_sessions=2, interval_weeks=1
                )
                self.add(plan)
                allowed += 2
            if self.chance(0.06):
                self.add(step("JourneyPaused", self.t + HOUR))
                if self.chance(0.3):
                    return  # left paused
                self.add(step("JourneyResumed", self.t + DAY))
            dose_at = max(dose_at, self.t + DAY)
            if self.chance(0.1):
                self.add(self.pre_dose_check(number, dose_at, HELD_BP))
                self.add(step("DosingSessionCancelled", dose_at, session=number))
                number, dose_at = number + 1, dose_at + DAY
                continue
            if not self.session(number, dose_at):
                return
            number, doses = number + 1, doses + 1
            in_series = doses < SERIES[self.protocol]
            dose_at += GAP[self.protocol] if in_series else MAINTENANCE_GAP

    def pre_dose_check(self, number: int, dose_at: datetime, vitals: dict[str, int]) -> Step:
        body = data("PreDoseCheckCompleted", session=number, vitals=vitals)
        body["last_food_at"] = (dose_at - 8 * HOUR).isoformat()
        body["last_clear_liquid_at"] = (dose_at - 3 * HOUR).isoformat()
        return Step("PreDoseCheckCompleted", dose_at - 20 * MIN, body, "nurse")

    def dose(self, number: int, at: datetime, override: bool) -> Step:
        kind: dict[str, Any] = {"route": "im", "dose_mg": 35}
        if self.spravato:
            kind = {"route": "intranasal", "dose_mg": 56, "therapist_present": None}
            kind["prescriber_on_site"] = "prescriber-1"
        chosen = OVERRIDE if override else None
        return step("KetamineAdministered", at, session=number, override=chosen, **kind)

    def session(self, n: int, at: datetime) -> bool:
        """One dosed session; False when the journey stops here (a duty left open)."""
        high = self.chance(0.12)
        if self.spravato and self.reconciled and at - self.reconciled > RECONCILED_WITHIN:
            self.reconciled = at - 2 * HOUR
            self.add(step("MedicationsReconciled", self.reconciled))
        self.add(self.pre_dose_check(n, at, HIGH_BP if high else VITALS))
        dose_version = self.add(self.dose(n, at, override=high))
        if self.chance(0.7):
            self.add(step("GuidedTherapyNoted", at + 20 * MIN, session=n), late=self.chance(0.1))
        hold = False
        if self.chance(0.15):
            hold = self.chance(0.4)
            severity = "serious" if hold else "mild"
            self.add(step("AdverseEventReported", at + 30 * MIN, session=n, severity=severity))
        # The reading 2027-1 discharges need (Spravato's 30-50 min after the dose).
        self.add(step("VitalsRecorded", at + 40 * MIN, session=n), late=self.chance(0.05))
        early = not self.spravato and self.chance(0.05)  # Spravato's 2 h has no override
        out = at + (45 * MIN if early else OBSERVE[self.protocol])
        self.add(step("PatientDischarged", out, session=n, override=OVERRIDE if early else None))
        if self.chance(0.1):
            self.correct(dose_version, {"weight_kg": 68}, "nurse")
        duty = "RemsMonitoringFormSubmitted" if self.spravato else "IntegrationCompleted"
        roll = self.rng.random()
        if roll < 0.8:
            self.add(step(duty, out + DAY, session=n))
        elif roll < 0.9:
            self.add(step(duty, out + 9 * DAY, session=n))  # done, but late
        elif not self.spravato:
            return False  # integration left open: KAP doses no further
        if hold:
            if self.chance(0.25):
                return False  # left on hold
            # A serious adverse event's hold is high (2027-1): the review brings a safety plan.
            self.add(step("SafetyReviewCompleted", self.t + 2 * HOUR, safety_plan=True))
        return True

    def ending(self) -> None:
        if self.chance(0.3):
            self.add(phq9(list(CALM_PHQ9[1]), self.t + DAY, "end_of_series"))
        if self.chance(0.2):
            self.add(step("JourneyClosed", self.t + 2 * DAY))


def random_script(rng: random.Random, number: int, corrections: bool = True) -> Script:
    script = Script(number, rng.choice(PROTOCOLS), rng.choice(CLINICS))
    writer = _Writer(rng, script, corrections)
    if writer.intake():
        writer.sessions()
    if not writer.script.lines or writer.script.lines[-1].step.type != "JourneyClosed":
        writer.ending()
    return script
