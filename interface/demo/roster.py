"""The demo clinic's patients: every stage, both protocols, and the cases worth showing.

Each builder tells one patient's journey relative to ``now``; patient N is ``DEMO-00N``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from interface.demo import content
from interface.demo.steps import Team, clinic_day
from interface.demo.story import SPRAVATO, Story

KAP = "kap-standard"
LEE = Team("dr-lee", "nurse-kim", "ther-ana")
OKAFOR = Team("dr-okafor", "nurse-ravi", "ther-ben")
SANTOS = Team("dr-santos", "nurse-kim", "ther-ana")
TRD = ("treatment_resistant_depression",)


def patient(
    now: datetime,
    n: int,
    protocol: str,
    team: Team,
    opened_days_ago: int,
    concerns: tuple[str, ...] = TRD,
    *,
    weight_kg: float = 72.0,
    route: str = "im",
    escort: str = "Jo (partner)",
) -> Story:
    """Patient ``DEMO-00n``, whose journey opened at 09:00 ``opened_days_ago`` days ago."""
    opened_at = clinic_day(now, opened_days_ago, 9)
    return Story(now, n, protocol, team, list(concerns), opened_at, weight_kg, route, escort)


# Before dosing: one journey per stage.


def opened_today(now: datetime) -> Story:
    return Story(now, 1, KAP, LEE, list(TRD), now - timedelta(hours=3))


def opened_spravato(now: datetime) -> Story:
    return patient(now, 2, SPRAVATO, SANTOS, 2)


def consulted(now: datetime) -> Story:
    return patient(now, 3, KAP, OKAFOR, 3, ("depression", "anxiety")).intake(
        "baseline", 16, gad7=12
    )


def consulted_awaiting_baseline(now: datetime) -> Story:
    return patient(now, 4, KAP, LEE, 1).intake("consulted")


def screened_spravato(now: datetime) -> Story:
    return patient(now, 5, SPRAVATO, SANTOS, 4).intake("screened", 21)


def screened_ineligible(now: datetime) -> Story:
    story = patient(now, 6, KAP, OKAFOR, 5).intake("baseline", 22)
    rationale = "Current manic episode (bipolar I): refer back to psychiatry."
    data = content.screening("ineligible", rationale, "acute_mania")
    return story.add("ScreeningCompleted", story.day(3, 11), data)


def consented(now: datetime) -> Story:
    return patient(now, 7, KAP, LEE, 5, route="sublingual").intake("consented", 17)


def prepared(now: datetime) -> Story:
    return patient(now, 8, KAP, OKAFOR, 8, ("ptsd",)).intake("prepared", 15, pcl5=48)


# In treatment: each session state.


def checked_awaiting_dose(now: datetime) -> Story:
    story = patient(now, 9, KAP, LEE, 14).intake()
    return story.session(1, story.day(7, 9, 35)).session(2, now - timedelta(minutes=10), "checked")


def dosed_awaiting_discharge(now: datetime) -> Story:
    story = patient(now, 10, SPRAVATO, SANTOS, 12, escort="Maria (sister)").intake()
    return story.session(1, story.day(5, 9, 35)).session(2, now - timedelta(minutes=75), "dosed")


def discharged_awaiting_integration(now: datetime) -> Story:
    story = patient(now, 11, KAP, OKAFOR, 20, weight_kg=84.0).intake()
    return story.series(13, 2).session(3, story.day(1, 9, 35), "discharged")


def blood_pressure_blocked(now: datetime) -> Story:
    story = patient(now, 12, KAP, LEE, 15).intake()
    high = content.vitals(12, systolic=165, diastolic=95)
    return story.session(1, story.day(6, 9, 35)).session(
        2, now - timedelta(minutes=20), "checked", vitals=high
    )


def safety_hold(now: datetime) -> Story:
    story = patient(now, 13, KAP, OKAFOR, 21).intake(phq9=20)
    story.series(14, 2, phq9=[17, 15])
    return story.session(3, story.day(8, 9, 35), phq9=14, item9=1)


def override_used(now: datetime) -> Story:
    story = patient(now, 14, KAP, OKAFOR, 18, weight_kg=90.0).intake()
    reason = "BP 150/92 after a rushed arrival; asymptomatic, baseline 138/88: proceed."
    story.session(1, story.day(11, 9, 35))
    story.session(
        2,
        story.day(8, 9, 35),
        vitals=content.vitals(14, 150, 92),
        override=content.override("dr-okafor", reason),
    )
    return story.session(3, story.day(4, 9, 35))


def six_sessions(now: datetime) -> Story:
    """The outcome chart: PHQ-9 19 to 5 over six sessions, GAD-7 and PCL-5 alongside."""
    story = patient(now, 15, KAP, LEE, 45, ("treatment_resistant_depression", "ptsd"))
    story.intake(phq9=19, gad7=15, pcl5=44)
    story.series(38, 6, phq9=[17, 15, 12, 10, 8, 7])
    story.measure("GAD-7", 11, story.day(30, 13), "follow_up", session=3)
    story.measure("PCL-5", 36, story.day(30, 13, 10), "follow_up", session=3)
    for instrument, total in (("PHQ-9", 6), ("GAD-7", 7), ("PCL-5", 27)):
        story.measure(instrument, total, story.day(21, 11), "end_of_series")
    for instrument, total in (("PHQ-9", 5), ("GAD-7", 6), ("PCL-5", 24)):
        story.measure(instrument, total, story.day(7, 11), "follow_up")
    return story


def maintenance(now: datetime) -> Story:
    story = patient(now, 16, KAP, OKAFOR, 60, route="sublingual").intake(phq9=18, gad7=13)
    story.series(53, 6, phq9=[16, 14, 11, 9, 8, 7])
    story.measure("PHQ-9", 7, story.day(36, 11), "end_of_series")
    story.measure("GAD-7", 8, story.day(36, 11, 10), "end_of_series")
    story.add(
        "TreatmentPlanUpdated",
        story.day(35, 14),
        {
            "phase": "maintenance",
            "further_sessions": 4,
            "interval_weeks": 3,
            "rationale": "Response at the end of the series; maintain every three weeks.",
        },
    )
    return story.session(7, story.day(14, 9, 35), phq9=6)


def paused(now: datetime) -> Story:
    story = patient(now, 17, KAP, LEE, 25).intake().series(18, 2)
    return story.add(
        "JourneyPaused",
        story.day(10, 15),
        {"reason": "Patient travelling for three weeks (family emergency)."},
    )


def closed_completed(now: datetime) -> Story:
    story = patient(now, 18, KAP, LEE, 70, ("anxiety",)).intake(phq9=14, gad7=16)
    story.series(63, 6, phq9=[13, 11, 9, 8, 6, 5])
    story.measure("PHQ-9", 4, story.day(46, 11), "end_of_series")
    return story.add(
        "JourneyClosed",
        story.day(45, 12),
        {
            "reason": "completed",
            "summary": "Series completed in remission; back to GP care.",
        },
    )
