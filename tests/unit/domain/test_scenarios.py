"""One clinic story per protocol, consultation to a maintenance dose.

Each row is a step and the (stage, next step) the status must show right after it.
"""

from __future__ import annotations

from datetime import timedelta

from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from tests.story import START, Step, in_session_vitals, phq9, rems_intake, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    discharge_time,
    dose,
    integration,
    open_journey,
    post,
    pre_dose_check,
    series_offsets,
    status_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
PHQ9_19 = [3, 3, 3, 2, 2, 2, 2, 2, 0]
PHQ9_8 = [1, 1, 1, 1, 1, 1, 1, 1, 0]
PHQ9_11 = [2, 2, 2, 1, 1, 1, 1, 1, 0]

Row = tuple[Step, str, str]


def intake_rows(route: str, dose_mg: int) -> list[Row]:
    rows: list[Row] = [
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
    if route == "intranasal":  # the REMS enrollment and the medication list
        rows += [(s, "prepared", "pre_dose_check") for s in rems_intake(START + 4 * DAY + HOUR)]
    return rows


def _stage(after: tuple[str, str]) -> str:
    """The stage while a session is under way: the series, or maintenance."""
    return "maintenance" if after[0] == "maintenance" else "in_treatment"


def kap_session_rows(n: int, at, *, checked_stage: str, after: tuple[str, str]) -> list[Row]:
    out = discharge_time(KAP_STANDARD, at)
    during = _stage(after)
    return [
        (pre_dose_check(n, at), checked_stage, "administer_dose"),
        (dose(KAP_STANDARD, n, at), during, "record_vitals"),
        (step("GuidedTherapyNoted", at + 20 * MIN, session=n), during, "record_vitals"),
        (in_session_vitals(n, at), during, "discharge"),
        (discharge(n, out), during, "integrate_session"),
        (integration(n, at + DAY), *after),
    ]


def after_session(n: int, length: int) -> tuple[str, str]:
    """Where the series stands once session ``n`` is over: a PHQ-9 is due after session
    3 and at the end of the series (2027-1 measurement-based care)."""
    if n == length:
        return ("series_complete", "record_measure")
    return ("in_treatment", "record_measure" if n == 3 else "pre_dose_check")


def measure_rows(n: int, length: int, at) -> list[Row]:
    if n == 3:
        return [(phq9(PHQ9_11, at, "follow_up"), "in_treatment", "pre_dose_check")]
    if n == length:
        return [(phq9(PHQ9_8, at, "end_of_series"), "series_complete", "update_treatment_plan")]
    return []


def kap_story() -> list[Row]:
    rows = intake_rows("im", 35)
    for n in range(1, 7):
        at = FIRST_DOSE + (n - 1) * 3 * DAY
        checked = "prepared" if n == 1 else "in_treatment"
        rows += kap_session_rows(n, at, checked_stage=checked, after=after_session(n, 6))
        rows += measure_rows(n, 6, at + DAY + HOUR)
    end = FIRST_DOSE + 17 * DAY
    maintenance_dose = end + 28 * DAY
    rows += [
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
        (dose(SPRAVATO_REMS, n, at), during, "record_vitals"),
        (step("VitalsRecorded", at + 40 * MIN, session=n), during, "discharge"),
        (discharge(n, out), *after),
        (step("RemsMonitoringFormSubmitted", out + HOUR, session=n), *after),
    ]


def spravato_story() -> list[Row]:
    rows = intake_rows("intranasal", 56)
    for n, offset in enumerate(series_offsets(SPRAVATO_REMS, 8), start=1):
        at = FIRST_DOSE + offset  # twice a week: weeks 1-4 allow 2 doses in any 7 days
        checked = "prepared" if n == 1 else "in_treatment"
        rows += spravato_session_rows(n, at, checked_stage=checked, after=after_session(n, 8))
        rows += measure_rows(n, 8, at + 4 * HOUR)
    end = FIRST_DOSE + 30 * DAY
    maintenance_dose = end + 14 * DAY
    rows += [
        (
            step("TreatmentPlanUpdated", end + HOUR, interval_weeks=2),
            "maintenance",
            "pre_dose_check",
        ),
        (step("MedicationsReconciled", end + 2 * HOUR), "maintenance", "pre_dose_check"),
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
    assert (outcome.change_pct, outcome.response, outcome.remission) == (-57.9, "yes", "no")


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
