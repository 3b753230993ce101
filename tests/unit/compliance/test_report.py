"""The report's order: by rule, then occurrence, numbers read as numbers."""

from __future__ import annotations

from datetime import timedelta

from domain.compliance import Finding, compliance_findings, standing
from domain.compliance.finding import in_order
from tests.story import START
from tests.unit.compliance.conftest import imported, keys
from tests.unit.domain.conftest import dose, pre_dose_check


def finding(rule: str, occurrence: str) -> Finding:
    return Finding(rule, occurrence, (1,), "why", START)


def test_findings_are_ordered_by_rule_then_occurrence_numbers_as_numbers():
    found = [
        finding("C-08", "version-2"),
        finding("C-02", "session-10"),
        finding("C-02", "session-2"),
        finding("C-01", "session-2/screening"),
        finding("C-01", "session-2/consent"),
    ]

    assert keys(in_order(found)) == [
        ("C-01", "session-2/consent"),
        ("C-01", "session-2/screening"),
        ("C-02", "session-2"),
        ("C-02", "session-10"),
        ("C-08", "version-2"),
    ]


def test_a_finding_without_a_deadline_always_stands():
    assert standing([finding("C-09", "version-4")], START) == [finding("C-09", "version-4")]


def test_a_crafted_history_reports_every_rule_it_breaks_in_order(profile):
    first = START + timedelta(days=1)
    facts = imported(
        profile,
        [
            pre_dose_check(1, first, checked_at=first + timedelta(minutes=5)),
            dose(profile, 1, first, therapist_present=None, prescriber_on_site=None),
        ],
    )

    found = compliance_findings(facts)

    assert keys(found)[:5] == [
        ("C-01", "session-1/consent"),
        ("C-01", "session-1/screening"),
        ("C-02", "session-1"),
        ("C-03", "session-1/check"),
        ("C-06", "baseline"),
    ]
    assert "taken 5 min after it" in found[3].detail
