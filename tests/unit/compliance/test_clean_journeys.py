"""A journey done right gives the auditor nothing to report, under either protocol."""

from __future__ import annotations

import copy
from datetime import timedelta

from domain.compliance import compliance_findings, standing
from tests.unit.compliance.conftest import clean_journey, findings_of, last_series_discharge


def test_a_clean_journey_has_no_findings(profile):
    journey = clean_journey(profile)

    assert findings_of(journey) == []


def test_a_clean_journey_has_nothing_standing_even_years_later(profile):
    journey = clean_journey(profile)
    years_later = last_series_discharge(profile) + timedelta(days=3 * 365)

    assert standing(findings_of(journey), years_later) == []


def test_the_report_is_a_pure_function_of_the_facts(profile):
    journey = clean_journey(profile)
    before = copy.deepcopy(journey.facts)

    first, second = compliance_findings(journey.facts), compliance_findings(journey.facts)

    assert first == second
    assert journey.facts == before
