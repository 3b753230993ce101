"""One clinic story per protocol, consultation to a maintenance dose.

Each row is a step and the (stage, next step) the status must show right after it.
"""

from __future__ import annotations

from datetime import timedelta

from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from tests.story import START, Step, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    discharge_time,
    dose,
    integration,
    open_journey,
    post,
    pre_dose_check,
    status_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
PHQ9_19 = [3, 3, 3, 2, 2, 2, 2, 2, 0]
PHQ9_8 = [1, 1, 1, 1, 1, 1, 1, 1, 0]

Row = tuple[Step, str, str]


def intake_rows(route: str, dose_mg: int) -> list[Row]:
    return [
        (step("ConsultationCompleted", START + HOUR), "consulted", "record_baseline"),
        (phq9(PHQ9_19, START + 2 * HOUR), "consulted", "complete_screening"),
        (
            step("OutcomeMeasureRecorded", START + 2 * HOUR, instrument="GAD-7", items=[2] * 7),
            "consulted",
            "complete_screening",
        ),
        (step("ScreeningCompleted", START + 2 * DAY), "screened", "sign_consent"),
        (step("ConsentSigned", START + 3 * DAY), "consented", "complete_preparation"),
        (
            step(
                "PreparationCompleted",
                START + 4 * DAY,
                dosing_plan={"route": route, "planned_dose_mg": dose_mg},
            ),
            "prepared",
            "pre_dose_check",
        ),
    ]


def _stage(after: tuple[str, str]) -> str:
    """The stage while a session is under way: the series, or maintenance."""
    return "maintenance" if after[0] == "maintenance" else "in_treatment"


def kap_session_rows(n: int, at, *, checked_stage: str, after: tuple[str, str]) -> list[Row]:
    out = discharge_time(KAP_STANDARD, at)
    during = _stage(after)
    return [
        (pre_dose_check(n, at), checked_stage, "administer_dose"),
        (dose(KAP_STANDARD, n, at), during, "discharge"),
        (step("GuidedTherapyNoted", at + 20 * MIN, session=n), during, "discharge"),
        (discharge(n, out), during, "integrate_session"),
        (integration(n, at + DAY), *after),
    ]


def kap_story() -> list[Row]:
    rows = intake_rows("im", 35)
    for n in range(1, 7):
        at = FIRST_DOSE + (n - 1) * 3 * DAY
        checked = "prepared" if n == 1 else "in_treatment"
        after = (
            ("series_complete", "update_treatment_plan")
            if n == 6
            else ("in_treatment", "pre_dose_check")
        )
        rows += kap_session_rows(n, at, checked_stage=checked, after=after)
    end = FIRST_DOSE + 17 * DAY
    maintenance_dose = end + 28 * DAY
    rows += [
        (phq9(PHQ9_8, end, "end_of_series"), "series_complete", "update_treatment_plan"),
        (step("TreatmentPlanUpdated", end + HOUR), "maintenance", "pre_dose_check"),
        *kap_session_rows(
            7,
            maintenance_dose,
            checked_stage="maintenance",
            after=("maintenance", "pre_dose_check"),
        ),
    ]
    return rows


def spravato_session_rows(n: int, at, *, checked_stage: str, after: tuple[str, str]) -> list[Row]:
    out = discharge_time(SPRAVATO_REMS, at)
    during = _stage(after)
    return [
        (pre_dose_check(n, at), checked_stage, "administer_dose"),
        (dose(SPRAVATO_REMS, n, at), during, "discharge"),
        (step("VitalsRecorded", at + 40 * MIN, session=n), during, "discharge"),
        (discharge(n, out), *after),
        (step("RemsMonitoringFormSubmitted", out + HOUR, session=n), *after),
    ]


def spravato_story() -> list[Row]:
    rows = intake_rows("intranasal", 56)
    for n in range(1, 9):
        at = FIRST_DOSE + (n - 1) * 4 * DAY
        checked = "prepared" if n == 1 else "in_treatment"
        after = (
            ("series_complete", "update_treatment_plan")
            if n == 8
            else ("in_treatment", "pre_dose_check")
        )
        rows += spravato_session_rows(n, at, checked_stage=checked, after=after)
    end = FIRST_DOSE + 30 * DAY
    maintenance_dose = end + 14 * DAY
    rows += [
        (phq9(PHQ9_8, end, "end_of_series"), "series_complete", "update_treatment_plan"),
        (
            step("TreatmentPlanUpdated", end + HOUR, interval_weeks=2),
            "maintenance",
            "pre_dose_check",
        ),
        *spravato_session_rows(
            9,
            maintenance_dose,
            checked_stage="maintenance",
            after=("maintenance", "pre_dose_check"),
        ),
    ]
    return rows


def tell(profile, story: list[Row]):
    """Post every step; return the journey and every row whose status differed."""
    journey = open_journey(profile)
    first = status_of(journey, START)
    assert (first.stage, first.next_step.code) == ("opened", "complete_consultation")
    mismatches = []
    for number, (s, stage, next_code) in enumerate(story, start=1):
        post(journey, s)
        status = status_of(journey, s.occurred_at + MIN)
        if (status.stage, status.next_step.code) != (stage, next_code):
            mismatches.append(
                (number, s.type, (stage, next_code), (status.stage, status.next_step.code))
            )
    return journey, mismatches


def test_a_kap_journey_from_consultation_to_a_maintenance_dose():
    story = kap_story()

    journey, mismatches = tell(KAP_STANDARD, story)

    assert mismatches == []
    status = status_of(journey, story[-1][0].occurred_at + MIN)
    assert (status.sessions_completed, len(journey.facts.doses())) == (7, 7)
    assert status.flags == []
    outcome = status.outcomes["PHQ-9"]
    assert (outcome.change_pct, outcome.response, outcome.remission) == (-57.9, True, False)


def test_a_spravato_journey_from_consultation_to_a_maintenance_dose():
    story = spravato_story()

    journey, mismatches = tell(SPRAVATO_REMS, story)

    assert mismatches == []
    status = status_of(journey, story[-1][0].occurred_at + MIN)
    assert (status.sessions_completed, len(journey.facts.doses())) == (9, 9)
    assert status.flags == []
    assert {s.route for s in status.sessions} == {"intranasal"}
    assert status.outcomes["PHQ-9"].change_pct == -57.9


def test_the_stories_reach_every_stage_of_the_path():
    for profile, story in ((KAP_STANDARD, kap_story()), (SPRAVATO_REMS, spravato_story())):
        stages = [stage for _, stage, _ in story]
        assert sorted(set(stages), key=stages.index) == [
            "consulted",
            "screened",
            "consented",
            "prepared",
            "in_treatment",
            "series_complete",
            "maintenance",
        ], profile.name
