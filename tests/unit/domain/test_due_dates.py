"""A duty's deadline is computed in one place (``JourneyFacts.due_at``), and every
reader of it — status flags, the caseload's due times, compliance findings — agrees."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from application.projections.caseload_rows import caseload_row
from domain.compliance.deadlines import integration_findings, rems_form_findings
from domain.fold import LATE_AFTER, LATE_AFTER_HOURS
from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from tests.story import in_session_vitals
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    discharge_time,
    dose,
    post,
    ready_to_dose,
    status_of,
)

ROOT = Path(__file__).resolve().parents[3]
MIN = timedelta(minutes=1)


def discharged(profile):
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE))
    post(journey, in_session_vitals(1, FIRST_DOSE))  # discharge needs the session's reading
    post(journey, discharge(1, discharge_time(profile, FIRST_DOSE)))
    return journey


def test_integration_falls_due_its_protocol_days_after_discharge():
    journey = discharged(KAP_STANDARD)
    facts = journey.facts
    due = discharge_time(KAP_STANDARD, FIRST_DOSE) + timedelta(days=7)

    assert facts.due_at("integration", facts.ordered_sessions()[0]) == due
    assert facts.pending_due("integration") == [due]
    assert facts.pending_due("rems_form") == []  # KAP sets no REMS form
    assert "integration_overdue" not in status_of(journey, due).flags
    assert "integration_overdue" in status_of(journey, due + MIN).flags
    assert caseload_row(journey).integration_due_at == due
    assert caseload_row(journey).rems_form_due_at is None
    (finding,) = integration_findings(facts)
    assert finding.due_at == due


def test_the_rems_form_falls_due_its_protocol_days_after_the_dose():
    journey = discharged(SPRAVATO_REMS)
    facts = journey.facts
    due = FIRST_DOSE + timedelta(days=7)

    assert facts.due_at("rems_form", facts.ordered_sessions()[0]) == due
    assert facts.due_at("integration", facts.ordered_sessions()[0]) is None
    assert facts.pending_due("rems_form") == [due]
    assert "rems_form_overdue" not in status_of(journey, due).flags
    assert "rems_form_overdue" in status_of(journey, due + MIN).flags
    assert caseload_row(journey).rems_form_due_at == due
    assert caseload_row(journey).integration_due_at is None
    (finding,) = rems_form_findings(facts)
    assert finding.due_at == due


def test_a_session_not_yet_discharged_owes_no_integration():
    journey = ready_to_dose(KAP_STANDARD)
    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE))
    facts = journey.facts

    assert facts.due_at("integration", facts.ordered_sessions()[0]) is None
    assert facts.pending_due("integration") == []


def sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text()
        for package in ("domain", "application", "interface")
        for path in (ROOT / package).rglob("*.py")
    }


def test_deadlines_are_counted_from_a_fact_in_one_module_only():
    """A protocol's ``*_due_days`` turned into a time span belongs in
    ``JourneyFacts.due_at``; a second copy would drift from it."""
    counted = [
        name
        for name, text in sources().items()
        if "_due_days" in text and "timedelta(" in text and name != "domain/protocols.py"
    ]
    assert counted == ["domain/journey_facts.py"]


def test_lateness_has_one_threshold():
    assert timedelta(hours=LATE_AFTER_HOURS) == LATE_AFTER
    defined = [
        name
        for name, text in sources().items()
        if re.search(r"^LATE_AFTER\w*\s*[:=]", text, re.MULTILINE)
    ]
    assert defined == ["domain/fold.py"]
