"""C-06: a baseline PHQ-9 before the first dose, an end-of-series PHQ-9 after the series."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.compliance import compliance_findings, standing
from domain.compliance.measures import END_OF_SERIES_DUE_DAYS
from tests.story import START, phq9
from tests.unit.compliance.conftest import (
    DAY,
    HOUR,
    MIN,
    PHQ9_8,
    findings_of,
    imported,
    only,
    whole_series,
)
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    correct,
    full_session,
    given_journey,
    intake_for,
    post,
)

BASELINE_VERSION = 3


def dose_version(facts, number: int) -> int:
    return facts.session(number)["dose"]["version"]


def series_end(facts) -> tuple[datetime, int]:
    """When the series' last session was discharged, and that discharge's version."""
    discharge = facts.session(facts.profile.series_length)["discharge"]
    return discharge["at"], discharge["version"]


def c06(findings):
    return only(findings, "C-06")


def test_a_baseline_corrected_to_follow_up_leaves_the_first_dose_without_one(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    correct(journey, BASELINE_VERSION, {"timepoint": "follow_up"}, FIRST_DOSE + DAY)

    [finding] = only(findings_of(journey), "C-06")
    assert finding.occurrence == "baseline"
    assert finding.versions == (dose_version(journey.facts, 1),)
    assert finding.due_at is None
    assert finding.at == FIRST_DOSE
    assert "no baseline PHQ-9 at or before it" in finding.detail


def test_an_imported_baseline_older_than_the_protocol_allows_is_c06(profile):
    first = START + timedelta(days=40)
    intake = intake_for(profile)
    facts = imported(profile, [*intake, *full_session(profile, 1, first)])

    [finding] = only(compliance_findings(facts), "C-06")

    assert finding.occurrence == "baseline"
    assert finding.versions == (BASELINE_VERSION, dose_version(facts, 1))
    assert "allows at most 30 days" in finding.detail


def test_a_series_without_an_end_of_series_phq9_is_due_two_weeks_after_it(profile):
    journey = given_journey(profile, whole_series(profile))
    ended, discharge_version = series_end(journey.facts)
    due = ended + timedelta(days=END_OF_SERIES_DUE_DAYS)

    [finding] = c06(findings_of(journey))

    assert (finding.rule, finding.occurrence) == ("C-06", "end-of-series")
    assert finding.due_at == finding.at == due
    assert finding.versions == (discharge_version,)
    assert standing([finding], due) == []
    assert standing([finding], due + MIN) == [finding]


def test_an_end_of_series_phq9_before_the_last_dose_does_not_count(profile):
    journey = given_journey(
        profile,
        [*intake_for(profile), phq9(PHQ9_8, FIRST_DOSE - HOUR, "end_of_series")],
    )
    for s in whole_series(profile)[len(intake_for(profile)) :]:
        post(journey, s)

    assert [f.occurrence for f in c06(findings_of(journey))] == ["end-of-series"]


def test_a_late_end_of_series_phq9_says_how_late(profile):
    journey = given_journey(profile, whole_series(profile))
    due = series_end(journey.facts)[0] + timedelta(days=END_OF_SERIES_DUE_DAYS)
    post(journey, phq9(PHQ9_8, due + 3 * DAY, "end_of_series"))

    [finding] = c06(findings_of(journey))

    assert finding.due_at == finding.at == due
    assert "3 days late" in finding.detail


def test_before_the_series_ends_no_end_of_series_measure_is_due(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    assert findings_of(journey) == []


def test_the_phq9_points_c06_reports_are_never_reported_again_by_c13(profile):
    journey = given_journey(profile, whole_series(profile))
    correct(journey, BASELINE_VERSION, {"timepoint": "follow_up"}, FIRST_DOSE + DAY)

    measures = [(f.rule, f.occurrence) for f in findings_of(journey) if f.rule in ("C-06", "C-13")]

    assert measures == [
        ("C-06", "baseline"),
        ("C-06", "end-of-series"),
        ("C-13", "phq-9/after-session-3"),
    ]
