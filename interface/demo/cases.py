"""More demo patients: events staff must notice, and the whole roster in order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from interface.demo import content, roster
from interface.demo.clinic_setup import DEMO_PROTOCOL
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


def spravato_enrolled(now: datetime) -> Story:
    """Enrolled in the REMS, twice-weekly induction with 40-minute readings and forms."""
    story = patient(now, 26, SPRAVATO, SANTOS, 21, escort="Ana (daughter)").intake(phq9=20)
    for n, days_ago in enumerate((13, 10, 6, 3), start=1):
        story.session(n, story.day(days_ago, 9, 35))
    return story


def moderate_hold(now: datetime) -> Story:
    """C-SSRS item 3 after session 1: a moderate hold a prescriber's review clears."""
    story = patient(now, 27, KAP, LEE, 16).intake()
    story.session(1, story.day(8, 9, 35))
    cssrs = {"instrument": "C-SSRS", "items": [1, 1, 1, 0, 0, 0], "timepoint": "follow_up"}
    return story.add("OutcomeMeasureRecorded", story.day(6, 11), cssrs)


def high_hold(now: datetime) -> Story:
    """C-SSRS item 4 (intent): a high hold; the review has a safety plan, and a C-SSRS with
    items 4 to 6 answered no is still owed."""
    story = patient(now, 28, KAP, OKAFOR, 18).intake()
    story.session(1, story.day(10, 9, 35))
    cssrs = {"instrument": "C-SSRS", "items": [1, 1, 1, 1, 0, 0], "timepoint": "follow_up"}
    story.add("OutcomeMeasureRecorded", story.day(7, 11), cssrs)
    review = {
        "cleared": True,
        "plan": "Crisis line and partner briefed; weekly check-ins.",
        "safety_plan": True,
    }
    return story.add("SafetyReviewCompleted", story.day(6, 15), review)


def interaction_review(now: datetime) -> Story:
    """A benzodiazepine on the reconciled list, not yet reviewed by a prescriber."""
    story = patient(now, 29, KAP, LEE, 9).intake()
    return story.medications(story.day(3, 12), content.INTERACTING_MEDICATIONS)


def clinic_protocol(now: datetime) -> Story:
    """Under the clinic's own protocol (aspen-kap): IM at 1 mg/kg, which kap-standard
    refuses, 95 minutes of observation, then a check after a light meal 3 hours before:
    under the clinic's advisory fasting rule a note on the next step, not a hold."""
    story = patient(now, 30, DEMO_PROTOCOL, LEE, 12).intake()
    story.session(1, story.day(6, 9, 35), dose_mg=72.0, observed=95)
    return story.session(2, now - timedelta(minutes=20), until="checked", food_hours=3)


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
    spravato_enrolled,
    moderate_hold,
    high_hold,
    interaction_review,
    clinic_protocol,
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
    "spravato_enrolled": "DEMO-026",
    "moderate_hold": "DEMO-027",
    "high_hold": "DEMO-028",
    "interaction_review": "DEMO-029",
    "clinic_protocol": "DEMO-030",
}
"""Where to look for each case worth showing (patient refs)."""


def demo_stories(now: datetime) -> list[Story]:
    stories = [build(now) for build in PATIENTS]
    for number, story in enumerate(stories, start=1):
        if story.number != number:
            raise AssertionError(f"{story.patient_ref} is listed as patient {number}")
    return stories
