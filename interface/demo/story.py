"""One demo patient's journey, told step by step at times relative to "now"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from interface.demo import content
from interface.demo.steps import ROLE_OF, Step, Team, clinic_day

SPRAVATO = "spravato-rems"


@dataclass
class Story:
    """A patient's journey: who, under which protocol, opened when, and its steps."""

    now: datetime
    number: int
    protocol: str
    team: Team
    concerns: list[str]
    opened_at: datetime
    weight_kg: float = 72.0
    route: str = "im"
    escort: str = "Jo (partner)"
    steps: list[Step] = field(default_factory=list)

    @property
    def patient_ref(self) -> str:
        return f"DEMO-{self.number:03d}"

    @property
    def spravato(self) -> bool:
        return self.protocol == SPRAVATO

    def day(self, days_ago: int, hour: int = 10, minute: int = 0) -> datetime:
        return clinic_day(self.now, days_ago, hour, minute)

    def add(self, type_: str, at: datetime, data: dict[str, Any], **more: Any) -> Story:
        self.steps.append(
            Step(type_, at, data, self.team.actor(ROLE_OF.get(type_, "nurse")), **more)
        )
        return self

    def measure(
        self, instrument: str, total: int, at: datetime, timepoint: str, **more: Any
    ) -> Story:
        session, item9, label = more.get("session"), more.get("item9", 0), more.get("label")
        data: dict[str, Any] = {
            "instrument": instrument,
            "items": content.items(instrument, total, item9=item9),
            "timepoint": timepoint,
        }
        if session is not None:
            data["session"] = session
        return self.add("OutcomeMeasureRecorded", at, data, label=label)

    def intake(self, until: str = "prepared", phq9: int = 18, **scales: int) -> Story:
        """Consultation and baselines on the opening day, then screening, consent and
        preparation 2, 3 and 5 days later, as far as ``until``."""
        start = self.opened_at
        symptoms = "Low mood, anhedonia and poor sleep for over two years."
        trials = 3 if "treatment_resistant_depression" in self.concerns else 1
        self.add(
            "ConsultationCompleted",
            start + timedelta(hours=1),
            content.consultation(self.number, self.weight_kg, symptoms, trials=trials),
        )
        if until == "consulted":
            return self
        at = start + timedelta(hours=1, minutes=30)
        self.measure("PHQ-9", phq9, at, "baseline", label="baseline-phq9")
        for instrument, total in (("GAD-7", scales.get("gad7")), ("PCL-5", scales.get("pcl5"))):
            if total is not None:
                self.measure(instrument, total, at + timedelta(minutes=10), "baseline")
        steps = (
            (
                "screened",
                "ScreeningCompleted",
                2,
                content.screening("eligible", "No contraindications found."),
            ),
            ("consented", "ConsentSigned", 3, content.consent(self.protocol)),
            (
                "prepared",
                "PreparationCompleted",
                5,
                content.preparation(self.route, self.planned_dose()),
            ),
        )
        for stage, type_, days, data in steps:
            if until == "baseline":
                return self
            self.add(type_, start + timedelta(days=days, hours=1), data)
            if stage == "prepared" and self.spravato:
                self.rems_intake(start + timedelta(days=days, hours=2))
            if until == stage:
                return self
        return self

    def rems_intake(self, at: datetime) -> Story:
        """What a Spravato dose needs besides the pathway: the patient's REMS enrollment
        and a medication reconciliation (within 30 days of each dose)."""
        self.add(
            "RemsPatientEnrolled",
            at,
            {"enrollment_id": f"SPR-PT-{55000 + self.number}", "enrolled_at": at.isoformat()},
        )
        return self.medications(at + timedelta(minutes=10), content.USUAL_MEDICATIONS)

    def medications(self, at: datetime, medications: list[dict[str, str]]) -> Story:
        return self.add("MedicationsReconciled", at, {"medications": medications})

    def planned_dose(self) -> float:
        if self.spravato:
            return 56.0
        if self.route == "im":
            return float(round(self.weight_kg * 0.5))
        return float(round(self.weight_kg * 2.5))  # sublingual: within 3 mg/kg

    def session(
        self, n: int, checked_at: datetime, until: str = "integrated", **opts: Any
    ) -> Story:
        """A dosing session from its pre-dose check (the dose 25 min later) to ``until``:
        checked, dosed, discharged or integrated. Options: vitals, override, adverse,
        rems_form (Spravato, default True), phq9 (a post-session PHQ-9 total), item9,
        dose_mg, food_hours (since the last meal), observed (minutes to discharge)."""
        dose_at = checked_at + timedelta(minutes=25)
        food, liquid = (9, 3) if not self.spravato else (4, 1)
        food = opts.get("food_hours", food)
        self.add(
            "PreDoseCheckCompleted",
            checked_at,
            {
                "session": n,
                "last_food_at": (dose_at - timedelta(hours=food)).isoformat(),
                "last_clear_liquid_at": (dose_at - timedelta(hours=liquid)).isoformat(),
                "alcohol_or_drugs_last_24h": False,
                "transport": {"arranged": True, "escort_name": self.escort, "mode": "car"},
                "vitals": opts.get("vitals") or content.vitals(self.number + n),
                "pregnancy_test": "negative" if self.number % 3 == 0 else "not_applicable",
            },
        )
        if until == "checked":
            return self
        self.add(
            "KetamineAdministered",
            dose_at,
            {
                "session": n,
                "route": "intranasal" if self.spravato else self.route,
                "dose_mg": opts.get("dose_mg")
                or ((56.0 if n == 1 else 84.0) if self.spravato else self.planned_dose()),
                "weight_kg": self.weight_kg,
                "administered_by": self.team.nurse,
                "therapist_present": None if self.spravato else self.team.therapist,
                "prescriber_on_site": self.team.prescriber if self.spravato else None,
                "lot_number": f"KET-2026-{100 + self.number}",
                "override": opts.get("override"),
            },
        )
        self.add(
            "VitalsRecorded",
            dose_at + timedelta(minutes=40),
            {"session": n, "vitals": content.vitals(self.number + n + 1)},
        )
        if not self.spravato:
            self.add("GuidedTherapyNoted", dose_at + timedelta(minutes=45), content.therapy_note(n))
        if opts.get("adverse"):
            kind, severity, action = opts["adverse"]
            self.add(
                "AdverseEventReported",
                dose_at + timedelta(minutes=50),
                {"session": n, "kind": kind, "severity": severity, "action_taken": action},
            )
        if until == "dosed":
            return self
        observed = timedelta(minutes=opts.get("observed") or (130 if self.spravato else 80))
        self.add(
            "PatientDischarged", dose_at + observed, content.discharge(n, self.number, self.escort)
        )
        if self.spravato and opts.get("rems_form", True):
            self.add(
                "RemsMonitoringFormSubmitted",
                dose_at + timedelta(hours=22),
                {"session": n, "confirmation": f"REMS-{self.number:03d}{n:02d}"},
            )
        if until == "discharged":
            return self
        after = dose_at + timedelta(days=1, hours=2)
        if not self.spravato:
            self.add("IntegrationCompleted", after, content.integration(n))
        if opts.get("phq9") is not None:
            self.measure(
                "PHQ-9",
                opts["phq9"],
                after + timedelta(minutes=50),
                "post_session",
                session=n,
                item9=opts.get("item9", 0),
            )
        return self

    def series(self, first_days_ago: int, count: int, every_days: int = 3, **opts: Any) -> Story:
        """``count`` whole sessions ``every_days`` apart; ``phq9`` lists post-session totals."""
        totals = opts.pop("phq9", None) or [None] * count
        for i in range(count):
            checked = self.day(first_days_ago - i * every_days, 9, 35)
            self.session(i + 1, checked, phq9=totals[i], **opts)
        return self
