"""The compliance report of one journey: every C-rule over its replayed facts."""

from __future__ import annotations

from collections.abc import Callable

from domain.compliance.deadlines import integration_findings, rems_form_findings
from domain.compliance.discharge_checks import discharge_findings
from domain.compliance.dose_checks import dose_findings
from domain.compliance.finding import Finding, in_order
from domain.compliance.measures import measure_findings
from domain.compliance.record_keeping import (
    correction_findings,
    late_entry_findings,
    override_findings,
    unreviewed_safety_findings,
)
from domain.compliance.rems_reporting import unreported_serious_event_findings
from domain.compliance.scheduled_measures import scheduled_measure_findings
from domain.journey_facts import JourneyFacts

CHECKS: tuple[Callable[[JourneyFacts], list[Finding]], ...] = (
    dose_findings,  # C-01, C-02, C-03
    discharge_findings,  # C-04
    integration_findings,  # C-05
    measure_findings,  # C-06
    rems_form_findings,  # C-07
    late_entry_findings,  # C-08
    correction_findings,  # C-09
    override_findings,  # C-10
    unreviewed_safety_findings,  # C-11
    unreported_serious_event_findings,  # C-12
    scheduled_measure_findings,  # C-13
)


def compliance_findings(facts: JourneyFacts) -> list[Finding]:
    """Every finding of the journey, replayed under its own protocol profile.

    A pure function of the facts: time-based duties carry ``due_at`` instead of reading
    a clock, so ``standing(findings, now)`` gives the report as of any moment.
    Ordered by rule, then occurrence.
    """
    return in_order(finding for check in CHECKS for finding in check(facts))
