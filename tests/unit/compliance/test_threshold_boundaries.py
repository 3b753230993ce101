"""The audit's thresholds pinned at the line, one case on each side (issue 10).

Histories are imported (folded straight into facts), so no J-rule refuses the case just
beyond a line and the audit alone decides.
"""

from __future__ import annotations

from datetime import timedelta

from domain.compliance import compliance_findings
from tests.examples import VITALS
from tests.story import START, step
from tests.unit.compliance.conftest import MIN, imported, only
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    dose,
    intake_for,
    pre_dose_check,
)

SECOND = timedelta(seconds=1)
BASELINE_AT = START + timedelta(hours=1, minutes=30)
"""When the intake records its baseline PHQ-9."""


def _findings(profile, steps, rule: str, occurrence: str):
    facts = imported(profile, steps)
    return [f for f in only(compliance_findings(facts), rule) if f.occurrence == occurrence]


# --- C-06: the baseline PHQ-9's age at the first dose -------------------------------------


def _first_dose_at(profile, at):
    return [*intake_for(profile), pre_dose_check(1, at), dose(profile, 1, at)]


def test_a_baseline_exactly_the_window_old_at_the_first_dose_is_not_c06(profile):
    at = BASELINE_AT + timedelta(days=profile.baseline_phq9_max_age_days)

    assert _findings(profile, _first_dose_at(profile, at), "C-06", "baseline") == []


def test_a_baseline_a_second_older_than_the_window_is_c06(profile):
    at = BASELINE_AT + timedelta(days=profile.baseline_phq9_max_age_days) + SECOND

    [finding] = _findings(profile, _first_dose_at(profile, at), "C-06", "baseline")

    assert f"allows at most {profile.baseline_phq9_max_age_days} days" in finding.detail


def test_a_baseline_taken_at_the_moment_of_the_first_dose_counts(profile):
    without_baseline = [s for s in intake_for(profile) if s.type != "OutcomeMeasureRecorded"]
    steps = [
        *without_baseline,
        pre_dose_check(1, FIRST_DOSE),
        step("OutcomeMeasureRecorded", FIRST_DOSE, timepoint="baseline"),
        dose(profile, 1, FIRST_DOSE),
    ]

    assert _findings(profile, steps, "C-06", "baseline") == []


# --- C-03: the pre-dose check is current at the dose --------------------------------------


def _checked_before(profile, gap: timedelta, vitals=VITALS):
    return [
        *intake_for(profile),
        pre_dose_check(1, FIRST_DOSE, checked_at=FIRST_DOSE - gap, vitals=vitals),
        dose(profile, 1, FIRST_DOSE),
    ]


def test_a_check_exactly_its_validity_before_the_dose_is_current(profile):
    valid = timedelta(minutes=profile.pre_dose_check_valid_minutes)

    assert _findings(profile, _checked_before(profile, valid), "C-03", "session-1/check") == []


def test_a_check_a_second_beyond_its_validity_is_c03(profile):
    valid = timedelta(minutes=profile.pre_dose_check_valid_minutes)

    [finding] = _findings(
        profile, _checked_before(profile, valid + SECOND), "C-03", "session-1/check"
    )

    assert "beyond its validity" in finding.detail


def test_a_check_at_the_dose_time_is_current_and_a_second_after_it_is_c03(profile):
    at_dose = _findings(profile, _checked_before(profile, timedelta(0)), "C-03", "session-1/check")
    [after] = _findings(profile, _checked_before(profile, -SECOND), "C-03", "session-1/check")

    assert at_dose == []
    assert "after it" in after.detail


def test_held_vitals_in_a_check_at_the_dose_time_are_c03(profile):
    held = {**VITALS, "systolic": 89, "diastolic": 60}

    [finding] = _findings(
        profile, _checked_before(profile, timedelta(0), held), "C-03", "session-1/vitals"
    )

    assert "beyond the hold limits" in finding.detail


# --- C-04: the minimum observation before discharge ---------------------------------------


def _discharged_after(profile, watched: timedelta):
    return [
        *intake_for(profile),
        pre_dose_check(1, FIRST_DOSE),
        dose(profile, 1, FIRST_DOSE),
        discharge(1, FIRST_DOSE + watched),
    ]


def test_a_discharge_exactly_the_minimum_observation_after_the_dose_is_not_c04(profile):
    minimum = profile.min_observation_minutes * MIN

    assert (
        _findings(profile, _discharged_after(profile, minimum), "C-04", "session-1/observation")
        == []
    )


def test_a_discharge_a_second_short_of_the_minimum_observation_is_c04(profile):
    minimum = profile.min_observation_minutes * MIN

    found = _findings(
        profile, _discharged_after(profile, minimum - SECOND), "C-04", "session-1/observation"
    )

    assert len(found) == 1
    assert f"requires at least {profile.min_observation_minutes} min" in found[0].detail
