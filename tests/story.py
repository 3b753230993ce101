"""A clinic's story, step by step: well-formed entries at plausible times.

Unit, application and HTTP tests all tell their stories with these steps, so each
layer is checked against the same clinical path.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.examples import VALID_EVENT_DATA

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)

ROLE_FOR = {
    "ConsultationCompleted": "prescriber",
    "OutcomeMeasureRecorded": "therapist",
    "ScreeningCompleted": "prescriber",
    "SafetyReviewCompleted": "prescriber",
    "KetamineAdministered": "nurse",
    "PreDoseCheckCompleted": "nurse",
    "PatientDischarged": "nurse",
    "VitalsRecorded": "nurse",
    "TreatmentPlanUpdated": "prescriber",
    "RemsPatientEnrolled": "prescriber",
    "MedicationsReconciled": "prescriber",
}


@dataclass(frozen=True)
class Step:
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    role: str = "therapist"

    def envelope(self) -> dict[str, Any]:
        """The wire body of ``POST /v1/journeys/{id}/events``."""
        return {
            "type": self.type,
            "occurred_at": self.occurred_at.isoformat(),
            "recorded_by": {"id": f"{self.role}-1", "role": self.role},
            "data": self.data,
        }


def data(event_type: str, **changes: Any) -> dict[str, Any]:
    """The example data of a type, with some fields changed."""
    body = copy.deepcopy(VALID_EVENT_DATA[event_type])
    body.update(changes)
    return body


def step(event_type: str, at: datetime, **changes: Any) -> Step:
    return Step(event_type, at, data(event_type, **changes), ROLE_FOR.get(event_type, "therapist"))


def phq9(total_pattern: list[int], at: datetime, timepoint: str = "baseline", **more: Any) -> Step:
    return step(
        "OutcomeMeasureRecorded",
        at,
        instrument="PHQ-9",
        items=total_pattern,
        timepoint=timepoint,
        **more,
    )


def intake(start: datetime = START, *, route: str = "im") -> list[Step]:
    """Consultation, baseline, screening, consent and preparation over one week; under
    Spravato (route intranasal) then the REMS enrollment and the medication list."""
    steps = [
        step("ConsultationCompleted", start + timedelta(hours=1)),
        phq9([2, 3, 2, 2, 2, 2, 2, 2, 0], start + timedelta(hours=1, minutes=30)),
        step("ScreeningCompleted", start + timedelta(days=2)),
        step("ConsentSigned", start + timedelta(days=3)),
        step(
            "PreparationCompleted",
            start + timedelta(days=4),
            dosing_plan={"route": route, "planned_dose_mg": 35 if route == "im" else 56},
        ),
    ]
    if route == "intranasal":
        steps += rems_intake(start + timedelta(days=4, minutes=30))
    return steps


def rems_intake(at: datetime) -> list[Step]:
    """What Spravato 2027-1 needs before a first dose besides the pathway: the patient's
    REMS enrollment and a medication reconciliation (within 30 days of each dose)."""
    return [
        step("RemsPatientEnrolled", at, enrolled_at=at.isoformat()),
        step("MedicationsReconciled", at + timedelta(minutes=5)),
    ]


def in_session_vitals(number: int, dose_at: datetime) -> Step:
    """The reading 40 minutes after the dose (the REMS form's; KAP needs one at all)."""
    return step("VitalsRecorded", dose_at + timedelta(minutes=40), session=number)


def dosing_session(
    number: int,
    dose_at: datetime,
    *,
    protocol: str = "kap-standard",
    integrate: bool = True,
    vitals: dict[str, int] | None = None,
) -> list[Step]:
    """Pre-dose check, dose, therapy, discharge and integration of one session."""
    spravato = protocol == "spravato-rems"
    observe = timedelta(minutes=130 if spravato else 75)
    dose = (
        {
            "route": "intranasal",
            "dose_mg": 56,
            "therapist_present": None,
            "prescriber_on_site": "prescriber-1",
        }
        if spravato
        else {"route": "im", "dose_mg": 35}
    )
    pre_dose = data("PreDoseCheckCompleted", session=number)
    pre_dose["last_food_at"] = (dose_at - timedelta(hours=8)).isoformat()
    pre_dose["last_clear_liquid_at"] = (dose_at - timedelta(hours=3)).isoformat()
    if vitals:
        pre_dose["vitals"] = vitals
    steps = [
        Step("PreDoseCheckCompleted", dose_at - timedelta(minutes=20), pre_dose, "nurse"),
        step("KetamineAdministered", dose_at, session=number, **dose),
        step("GuidedTherapyNoted", dose_at + timedelta(minutes=20), session=number),
        in_session_vitals(number, dose_at),
        step("PatientDischarged", dose_at + observe, session=number),
    ]
    if spravato:
        steps.append(
            step("RemsMonitoringFormSubmitted", dose_at + timedelta(days=1), session=number)
        )
    if integrate:
        steps.append(step("IntegrationCompleted", dose_at + timedelta(days=1), session=number))
    return steps


def session_days(
    first: datetime, count: int, every: timedelta = timedelta(days=3)
) -> list[datetime]:
    return [first + every * i for i in range(count)]
