"""C-05 and C-07: duties that fall due with time stand only once their deadline passes."""

from __future__ import annotations

from datetime import timedelta

from domain.compliance import standing
from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from tests.story import step
from tests.unit.compliance.conftest import DAY, HOUR, MIN, findings_of
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge_time,
    full_session,
    given_journey,
    intake_for,
    integration,
    post,
)

KAP_OUT = discharge_time(KAP_STANDARD, FIRST_DOSE)
INTEGRATION_DUE = KAP_OUT + timedelta(days=7)
REMS_DUE = FIRST_DOSE + timedelta(days=7)


def version_of(journey, number, what):
    """The version of a session's entry, read from the record (the intake's length varies
    with the protocol: Spravato 2027-1 adds the enrollment and the medication list)."""
    return journey.facts.session(number)[what]["version"]


def discharged_not_integrated():
    return given_journey(
        KAP_STANDARD,
        [*intake_for(KAP_STANDARD), *full_session(KAP_STANDARD, 1, FIRST_DOSE, integrate=False)],
    )


def dosed_without_rems_form():
    return given_journey(
        SPRAVATO_REMS,
        [*intake_for(SPRAVATO_REMS), *full_session(SPRAVATO_REMS, 1, FIRST_DOSE, rems_form=False)],
    )


def test_a_missing_integration_is_pending_until_due_then_stands():
    journey = discharged_not_integrated()

    [finding] = findings_of(journey)

    assert (finding.rule, finding.occurrence) == ("C-05", "session-1")
    assert finding.due_at == finding.at == INTEGRATION_DUE
    assert finding.versions == (version_of(journey, 1, "discharge"),)
    assert standing([finding], INTEGRATION_DUE) == []
    assert standing([finding], INTEGRATION_DUE + MIN) == [finding]


def test_an_integration_within_its_days_leaves_no_finding():
    journey = discharged_not_integrated()

    post(journey, integration(1, INTEGRATION_DUE - HOUR))

    assert findings_of(journey) == []


def test_a_late_integration_stands_from_its_deadline_and_says_how_late():
    journey = discharged_not_integrated()

    post(journey, integration(1, INTEGRATION_DUE + 2 * DAY))

    [finding] = findings_of(journey)
    assert finding.rule == "C-05"
    assert finding.due_at == finding.at == INTEGRATION_DUE
    assert finding.versions == (
        version_of(journey, 1, "discharge"),
        version_of(journey, 1, "integration"),
    )
    assert "2 days late" in finding.detail


def test_spravato_has_no_integration_deadline():
    journey = dosed_without_rems_form()

    assert [f.rule for f in findings_of(journey)] == ["C-07"]


def test_a_missing_rems_form_is_pending_until_due_then_stands():
    journey = dosed_without_rems_form()

    [finding] = findings_of(journey)

    assert (finding.rule, finding.occurrence) == ("C-07", "session-1")
    assert finding.due_at == finding.at == REMS_DUE
    assert finding.versions == (version_of(journey, 1, "dose"),)
    assert "REMS monitoring form for session 1" in finding.detail
    assert standing([finding], REMS_DUE - MIN) == []
    assert standing([finding], REMS_DUE + DAY) == [finding]


def test_a_rems_form_within_its_days_leaves_no_finding():
    journey = dosed_without_rems_form()

    post(journey, step("RemsMonitoringFormSubmitted", REMS_DUE, session=1))

    assert findings_of(journey) == []


def test_a_late_rems_form_stands_from_its_deadline_and_says_how_late():
    journey = dosed_without_rems_form()

    post(journey, step("RemsMonitoringFormSubmitted", REMS_DUE + 30 * HOUR, session=1))

    [finding] = findings_of(journey)
    assert finding.rule == "C-07"
    assert finding.due_at == finding.at == REMS_DUE
    assert "30 h late" in finding.detail


def test_kap_has_no_rems_form():
    journey = discharged_not_integrated()
    post(journey, integration(1, KAP_OUT + DAY))

    assert findings_of(journey) == []
