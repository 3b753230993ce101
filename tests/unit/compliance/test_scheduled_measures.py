"""C-13 (protocol 2027-1): a measure the profile's schedule wants, never taken in time.

A baseline missing at the first dose; a measure after session 3, or at the end of the
series, not taken within 14 days of falling due (C-06's deadline). The baseline and the
end-of-series PHQ-9 stay C-06's (tests/unit/compliance/test_measures.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.compliance import standing
from domain.compliance.measures import END_OF_SERIES_DUE_DAYS
from domain.entries import Actor, Posting
from domain.journey import Journey
from domain.protocols import KAP_STANDARD_2026, SPRAVATO_REMS_2026
from tests.story import START, phq9, step
from tests.unit.compliance.conftest import DAY, MIN, PHQ9_8, findings_of, only
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    JOURNEY_ID,
    full_session,
    intake_for,
    post,
    series,
)

DUE_DAYS = timedelta(days=END_OF_SERIES_DUE_DAYS)


def journey_with(profile, concerns=("treatment_resistant_depression",), steps=()):
    journey = Journey.open(
        journey_id=JOURNEY_ID,
        clinic_id="clinic-1",
        patient_ref="MRN-0042",
        episode=1,
        profile=profile,
        primary_clinician="dr-lee",
        presenting_concerns=list(concerns),
        posting=Posting(START, START, Actor("coord-sam", "coordinator"), "test"),
    )
    for s in steps:
        post(journey, s)
    return journey


def scale(instrument: str, at, timepoint: str = "baseline"):
    items = {"GAD-7": [1] * 7, "PCL-5": [1] * 20}[instrument]
    return step(
        "OutcomeMeasureRecorded", at, instrument=instrument, items=items, timepoint=timepoint
    )


def c13(journey):
    return only(findings_of(journey), "C-13")


def discharge_of(journey, session: int):
    return journey.facts.session(session)["discharge"]


# Baselines


@pytest.mark.parametrize(
    ("concern", "instrument"), [("anxiety", "GAD-7"), ("ptsd", "PCL-5")], ids=["gad7", "pcl5"]
)
def test_a_first_dose_without_the_concerns_baseline_scale_is_c13(profile, concern, instrument):
    journey = journey_with(
        profile, [concern], [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)]
    )

    [finding] = c13(journey)

    first = journey.facts.session(1)["dose"]
    assert finding.occurrence == f"{instrument.lower()}/baseline"
    assert (finding.at, finding.due_at, finding.versions) == (FIRST_DOSE, None, (first["version"],))
    assert f"has no baseline {instrument} at or before it" in finding.detail


@pytest.mark.parametrize(("after_dose", "found"), [(timedelta(0), 0), (MIN, 1)])
def test_a_baseline_scale_counts_up_to_the_first_dose(profile, after_dose, found):
    journey = journey_with(
        profile,
        ["anxiety"],
        [
            *intake_for(profile),
            scale("GAD-7", FIRST_DOSE + after_dose),
            *full_session(profile, 1, FIRST_DOSE),
        ],
    )

    assert len(c13(journey)) == found


# After session 3


def test_a_missing_phq9_after_session_3_is_c13_14_days_after_the_discharge(profile):
    journey = journey_with(profile, steps=[*intake_for(profile), *series(profile, 3)])
    discharge = discharge_of(journey, 3)
    due = discharge["at"] + DUE_DAYS

    [finding] = c13(journey)

    assert finding.occurrence == "phq-9/after-session-3"
    assert (finding.at, finding.due_at, finding.versions) == (due, due, (discharge["version"],))
    assert "The PHQ-9 after session 3 that" in finding.detail
    assert "is not on record" in finding.detail
    assert standing([finding], due) == []
    assert standing([finding], due + MIN) == [finding]


@pytest.mark.parametrize(("late", "found"), [(timedelta(0), 0), (MIN, 1)])
def test_a_phq9_after_session_3_taken_after_its_deadline_is_c13_late(profile, late, found):
    journey = journey_with(profile, steps=[*intake_for(profile), *series(profile, 3)])
    due = discharge_of(journey, 3)["at"] + DUE_DAYS
    post(journey, phq9(PHQ9_8, due + late, "follow_up"))

    findings = c13(journey)

    assert len(findings) == found
    assert all("1 min late" in f.detail for f in findings)


# End of series


@pytest.mark.parametrize(
    ("concern", "instrument"), [("anxiety", "GAD-7"), ("ptsd", "PCL-5")], ids=["gad7", "pcl5"]
)
def test_a_missing_end_of_series_scale_is_c13(profile, concern, instrument):
    length = profile.series_length
    journey = journey_with(
        profile,
        [concern],
        [*intake_for(profile), scale(instrument, START + 2 * DAY), *series(profile, length)],
    )
    discharge = discharge_of(journey, length)
    post(journey, phq9(PHQ9_8, discharge_of(journey, 3)["at"] + DAY, "follow_up"))
    post(journey, phq9(PHQ9_8, discharge["at"] + DAY, "end_of_series"))

    [finding] = c13(journey)

    assert finding.occurrence == f"{instrument.lower()}/end-of-series"
    assert finding.due_at == discharge["at"] + DUE_DAYS
    assert f"end-of-series {instrument} (after session {length})" in finding.detail
    post(journey, scale(instrument, discharge["at"] + DAY, "end_of_series"))
    assert c13(journey) == []


def test_before_session_3_nothing_is_due_yet(profile):
    journey = journey_with(
        profile, ["anxiety", "ptsd"], [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)]
    )

    assert [f.occurrence for f in c13(journey)] == ["gad-7/baseline", "pcl-5/baseline"]


@pytest.mark.parametrize(
    "legacy", [KAP_STANDARD_2026, SPRAVATO_REMS_2026], ids=["kap-2026", "spravato-2026"]
)
def test_under_2026_11_01_c13_finds_nothing(legacy):
    length = legacy.series_length
    journey = journey_with(
        legacy, ["anxiety", "ptsd"], [*intake_for(legacy), *series(legacy, length)]
    )

    assert c13(journey) == []
    assert [f.occurrence for f in only(findings_of(journey), "C-06")] == ["end-of-series"]
