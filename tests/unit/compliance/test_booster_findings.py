"""A booster is audited like a dose where it stands on its own: consent at its moment
(C-01) and the required staff named on it (C-02)."""

from __future__ import annotations

from datetime import timedelta

from domain.protocols import KAP_STANDARD
from tests.story import step
from tests.unit.compliance.conftest import findings_of
from tests.unit.domain.conftest import FIRST_DOSE, correct, dose, post, ready_to_dose

MIN = timedelta(minutes=1)
BOOST_AT = FIRST_DOSE + 20 * MIN
LATER = FIRST_DOSE + timedelta(hours=3)


def boosted(**booster):
    journey = ready_to_dose(KAP_STANDARD)
    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE))
    post(journey, dose(KAP_STANDARD, 1, BOOST_AT, booster=True, dose_mg=15, **booster))
    return journey


def test_a_booster_with_consent_and_a_therapist_has_no_finding():
    assert findings_of(boosted()) == []


def test_consent_withdrawn_between_the_dose_and_its_booster_is_c01_for_the_booster_only():
    journey = boosted()
    post(journey, step("ConsentWithdrawn", BOOST_AT - 5 * MIN), recorded_at=LATER)

    findings = findings_of(journey)

    assert [(f.rule, f.occurrence) for f in findings] == [("C-01", "session-1/booster-1/consent")]
    [finding] = findings
    assert finding.at == BOOST_AT
    assert "Session 1 booster 1 was given" in finding.detail


def test_a_booster_corrected_to_no_therapist_is_c02():
    journey = boosted()
    correct(journey, journey.version, {"therapist_present": None}, LATER)

    [finding] = [f for f in findings_of(journey) if f.rule != "C-09"]  # C-09: the correction

    assert (finding.rule, finding.occurrence) == ("C-02", "session-1/booster-1")
    assert "booster 1 (version" in finding.detail
