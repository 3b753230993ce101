"""C-12: under a Spravato REMS profile (2027-1), a serious adverse event not reported to
the REMS. Not judged under kap-standard, nor on journeys opened under 2026-11-01."""

from __future__ import annotations

import pytest

from domain.protocols import KAP_STANDARD, SPRAVATO_REMS, SPRAVATO_REMS_2026
from tests.story import step
from tests.unit.compliance.conftest import AFTER, HOUR, dosed_once, findings_of, only
from tests.unit.domain.conftest import FIRST_DOSE, correct, post

DURING = FIRST_DOSE + HOUR


def serious_event(reported_to: list[str], severity: str = "serious"):
    return step(
        "AdverseEventReported",
        DURING,
        session=1,
        kind="loss_of_consciousness",
        severity=severity,
        reported_to=reported_to,
    )


@pytest.mark.parametrize("reported_to", [[], ["medwatch"]])
def test_a_serious_event_not_reported_to_the_rems_is_c12(reported_to):
    journey = dosed_once(SPRAVATO_REMS)
    post(journey, serious_event(reported_to))
    version = journey.version

    [finding] = only(findings_of(journey), "C-12")

    assert (finding.occurrence, finding.versions, finding.at) == (
        f"version-{version}",
        (version,),
        DURING,
    )
    assert "loss_of_consciousness" in finding.detail
    assert "in session 1" in finding.detail
    assert ("medwatch" if reported_to else "nowhere") in finding.detail
    assert "rems" in finding.detail


@pytest.mark.parametrize("reported_to", [["rems"], ["rems", "medwatch"]])
def test_a_serious_event_reported_to_the_rems_is_not_c12(reported_to):
    journey = dosed_once(SPRAVATO_REMS)
    post(journey, serious_event(reported_to))

    assert only(findings_of(journey), "C-12") == []


def test_a_severe_event_need_not_be_reported_to_the_rems():
    journey = dosed_once(SPRAVATO_REMS)
    post(journey, serious_event([], severity="severe"))

    assert only(findings_of(journey), "C-12") == []


def test_kap_standard_has_no_rems_to_report_to():
    journey = dosed_once(KAP_STANDARD)
    post(journey, serious_event([]))

    assert only(findings_of(journey), "C-12") == []


def test_under_2026_an_unreported_serious_event_is_not_judged():
    journey = dosed_once(SPRAVATO_REMS_2026)
    post(journey, serious_event([]))

    assert only(findings_of(journey), "C-12") == []


def test_correcting_the_event_to_say_it_was_reported_answers_c12():
    journey = dosed_once(SPRAVATO_REMS)
    post(journey, serious_event([]))
    version = journey.version

    correct(journey, version, {"reported_to": ["rems"]}, AFTER, role="nurse")

    assert only(findings_of(journey), "C-12") == []


def test_correcting_a_moderate_event_to_serious_names_the_correction_too():
    journey = dosed_once(SPRAVATO_REMS)
    post(journey, serious_event([], severity="moderate"))
    version = journey.version

    correct(journey, version, {"severity": "serious"}, AFTER, role="nurse")

    [finding] = only(findings_of(journey), "C-12")
    assert finding.versions == (version, version + 1)
