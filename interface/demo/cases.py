"""More demo patients: events staff must notice, and the whole roster in order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from interface.demo import content, roster
from interface.demo.roster import KAP, LEE, OKAFOR, SANTOS, patient
from interface.demo.story import SPRAVATO, Story


def adverse_event(now: datetime) -> Story:
    story = patient(now, 19, KAP, LEE, 16).intake()
    nausea = ("nausea", "moderate", "Ondansetron 4 mg ODT given; settled within 20 minutes.")
    story.session(1, story.day(9, 9, 35), adverse=nausea)
    return story.session(2, story.day(5, 9, 35))


def integration_overdue(now: datetime) -> Story:
    story = patient(now, 20, KAP, OKAFOR, 24).intake()
    return story.session(1, story.day(17, 9, 35)).session(2, story.day(9, 9, 35), "discharged")


def corrected_entry(now: datetime) -> Story:
    story = patient(now, 21, KAP, LEE, 13).intake(phq9=18)
    fixed = content.items("PHQ-9", 16)
    story.add(
        "EntryCorrected",
        story.day(12, 9, 30),
        {
            "reason": "Baseline PHQ-9 keyed from the paper form wrongly; items re-entered.",
            "data": {"items": fixed},
        },
        corrects="baseline-phq9",
    )
    return story.session(1, story.day(6, 9, 35))


def cancelled_session(now: datetime) -> Story:
    story = patient(now, 22, KAP, OKAFOR, 17).intake()
    story.session(1, story.day(10, 9, 35))
    story.session(2, story.day(7, 9, 35), "checked", vitals=content.vitals(22, 186, 104))
    story.add(
        "DosingSessionCancelled",
        story.day(7, 9, 50),
        {"session": 2, "reason": "Pre-dose BP 186/104 beyond the hold limit: dose held."},
    )
    return story.session(3, story.day(5, 9, 35))


def spravato_with_late_entry(now: datetime) -> Story:
    story = patient(now, 23, SPRAVATO, SANTOS, 26, escort="Tom (husband)").intake(phq9=22)
    story.series(18, 3, every_days=4, phq9=[20, 17, 15])
    data = {"session": 3, "vitals": content.vitals(30, 134, 86)}
    late = timedelta(hours=52)
    return story.add("VitalsRecorded", story.day(10, 11, 30), data, late_by=late)


def closed_withdrawn(now: datetime) -> Story:
    story = patient(now, 24, KAP, LEE, 30, ("ptsd",)).intake(phq9=13, pcl5=51)
    story.session(1, story.day(22, 9, 35))
    story.add(
        "ConsentWithdrawn",
        story.day(20, 16),
        {"reason": "Found the dissociative experience too distressing; declines further doses."},
    )
    return story.add(
        "JourneyClosed",
        story.day(19, 12),
        {
            "reason": "withdrawn",
            "summary": "Withdrew after one session; referred to trauma-focused CBT.",
        },
    )


def spravato_form_overdue(now: datetime) -> Story:
    story = patient(now, 25, SPRAVATO, SANTOS, 22).intake(phq9=19)
    story.session(1, story.day(15, 9, 35))
    return story.session(2, story.day(11, 9, 35), rems_form=False)


PATIENTS: tuple[Callable[[datetime], Story], ...] = (
    roster.opened_today,
    roster.opened_spravato,
    roster.consulted,
    roster.consulted_awaiting_baseline,
    roster.screened_spravato,
    roster.screened_ineligible,
    roster.consented,
    roster.prepared,
    roster.checked_awaiting_dose,
    roster.dosed_awaiting_discharge,
    roster.discharged_awaiting_integration,
    roster.blood_pressure_blocked,
    roster.safety_hold,
    roster.override_used,
    roster.six_sessions,
    roster.maintenance,
    roster.paused,
    roster.closed_completed,
    adverse_event,
    integration_overdue,
    corrected_entry,
    cancelled_session,
    spravato_with_late_entry,
    closed_withdrawn,
    spravato_form_overdue,
)
"""Patient N of the demo clinic is ``PATIENTS[N - 1]``, with patient_ref ``DEMO-00N``."""

SHOWCASE = {
    "blood_pressure_blocked": "DEMO-012",
    "safety_hold": "DEMO-013",
    "override_used": "DEMO-014",
    "six_sessions": "DEMO-015",
    "maintenance": "DEMO-016",
    "adverse_event": "DEMO-019",
    "integration_overdue": "DEMO-020",
    "corrected_entry": "DEMO-021",
    "cancelled_session": "DEMO-022",
    "late_entry": "DEMO-023",
    "rems_form_overdue": "DEMO-025",
}
"""Where to look for each case worth showing (patient refs)."""


def demo_stories(now: datetime) -> list[Story]:
    stories = [build(now) for build in PATIENTS]
    for number, story in enumerate(stories, start=1):
        if story.number != number:
            raise AssertionError(f"{story.patient_ref} is listed as patient {number}")
    return stories
