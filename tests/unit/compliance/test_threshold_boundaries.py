"""The audit's thresholds pinned at the line, one case on each side (issue 10).

Histories are imported (folded straight into facts), so no J-rule refuses the case just
beyond a line and the audit alone decides.
"""

from __future__ import annotations

from datetime import timedelta

from domain.compliance import compliance_findings
from tests.examples import VITALS
from tests.story import START, phq9, step
from tests.unit.compliance.conftest import (
    MIN,
    PHQ9_8,
    imported,
    last_series_discharge,
    last_series_dose,
    only,
    whole_series,
)
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


# --- C-01: consent and screening in force at the dose (at or before it) -------------------


def _intake_with_at(profile, kind: str, at):
    """The intake with its ``kind`` entry moved to ``at``, then session 1 dosed at FIRST_DOSE."""
    intake = [s for s in intake_for(profile) if s.type != kind]
    return [
        *intake,
        pre_dose_check(1, FIRST_DOSE),
        step(kind, at),
        dose(profile, 1, FIRST_DOSE),
    ]


def test_consent_signed_at_the_moment_of_the_dose_covers_it(profile):
    steps = _intake_with_at(profile, "ConsentSigned", FIRST_DOSE)

    assert _findings(profile, steps, "C-01", "session-1/consent") == []


def test_consent_signed_a_second_after_the_dose_is_c01(profile):
    steps = _intake_with_at(profile, "ConsentSigned", FIRST_DOSE + SECOND)

    [finding] = _findings(profile, steps, "C-01", "session-1/consent")

    assert "no consent had been signed" in finding.detail


def test_a_screening_at_the_moment_of_the_dose_covers_it(profile):
    steps = _intake_with_at(profile, "ScreeningCompleted", FIRST_DOSE)

    assert _findings(profile, steps, "C-01", "session-1/screening") == []


def test_a_screening_a_second_after_the_dose_is_c01(profile):
    steps = _intake_with_at(profile, "ScreeningCompleted", FIRST_DOSE + SECOND)

    [finding] = _findings(profile, steps, "C-01", "session-1/screening")

    assert "occurred after it" in finding.detail


# --- C-06: the end-of-series PHQ-9 is taken at or after the series' last dose --------------


def _series_then_phq9(profile, offset: timedelta):
    last_dose = last_series_dose(profile)
    return [*whole_series(profile), phq9(PHQ9_8, last_dose + offset, "end_of_series")]


def test_an_end_of_series_phq9_at_the_moment_of_the_last_dose_counts(profile):
    steps = _series_then_phq9(profile, timedelta(0))

    assert _findings(profile, steps, "C-06", "end-of-series") == []


def test_an_end_of_series_phq9_a_second_before_the_last_dose_does_not_count(profile):
    steps = _series_then_phq9(profile, -SECOND)

    assert len(_findings(profile, steps, "C-06", "end-of-series")) == 1


def test_the_end_of_series_phq9_is_due_14_days_after_the_series_last_discharge(profile):
    # A literal, not the module's constant: moving the audit's own deadline must fail here.
    [finding] = _findings(profile, whole_series(profile), "C-06", "end-of-series")

    assert finding.due_at == last_series_discharge(profile) + timedelta(days=14)
