"""C-02 and C-03: the required staff at each dose, and current pre-dose vitals within limits."""

from __future__ import annotations

from domain.compliance import compliance_findings
from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from tests.story import step
from tests.unit.compliance.conftest import (
    AFTER,
    HIGH_BP,
    HOUR,
    MIN,
    PRESCRIBER_OVERRIDE,
    dosed_once,
    findings_of,
    imported,
    imported_version,
    only,
    session_versions,
)
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    correct,
    discharge,
    dose,
    given_journey,
    intake_for,
    pre_dose_check,
    version_of,
)

HOLD_BP = {"systolic": 190, "diastolic": 100, "heart_rate": 74}


def test_a_dose_corrected_to_no_therapist_is_c02_under_kap():
    journey = dosed_once(KAP_STANDARD)
    dose_version = session_versions(journey, 1).dose

    correct(journey, dose_version, {"therapist_present": None}, AFTER)

    [finding] = only(findings_of(journey), "C-02")
    assert finding.occurrence == "session-1"
    assert finding.versions == (dose_version, journey.version)
    assert finding.at == FIRST_DOSE
    assert "names no therapist_present" in finding.detail


def test_a_dose_corrected_to_no_prescriber_on_site_is_c02_under_spravato():
    journey = dosed_once(SPRAVATO_REMS)

    correct(journey, session_versions(journey, 1).dose, {"prescriber_on_site": None}, AFTER)

    [finding] = only(findings_of(journey), "C-02")
    assert "a prescriber on site" in finding.detail


def test_pre_dose_vitals_corrected_above_the_override_level_are_c03(profile):
    journey = dosed_once(profile)
    check_version, dose_version, _ = session_versions(journey, 1)

    correct(journey, check_version, {"vitals": HIGH_BP}, AFTER)

    [finding] = only(findings_of(journey), "C-03")
    assert finding.occurrence == "session-1/vitals"
    assert finding.versions == (check_version, dose_version, journey.version)
    assert "BP 150/95" in finding.detail
    assert "no valid prescriber override" in finding.detail


def test_an_override_on_the_dose_covers_vitals_above_the_override_level(profile):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            pre_dose_check(1, FIRST_DOSE, vitals=HIGH_BP),
            dose(profile, 1, FIRST_DOSE, override=PRESCRIBER_OVERRIDE),
        ],
    )

    assert only(findings_of(journey), "C-03") == []


def test_vitals_corrected_beyond_the_hold_limits_are_c03_even_with_an_override(profile):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            pre_dose_check(1, FIRST_DOSE, vitals=HIGH_BP),
            dose(profile, 1, FIRST_DOSE, override=PRESCRIBER_OVERRIDE),
        ],
    )

    check_version = version_of(journey, "PreDoseCheckCompleted", session=1)

    correct(journey, check_version, {"vitals": HOLD_BP}, AFTER)

    [finding] = only(findings_of(journey), "C-03")
    assert "beyond the hold limits" in finding.detail


def test_an_imported_dose_without_a_pre_dose_check_is_c03(profile):
    steps = [*intake_for(profile), dose(profile, 1, FIRST_DOSE)]
    facts = imported(profile, steps)

    [finding] = only(compliance_findings(facts), "C-03")

    assert finding.occurrence == "session-1/check"
    assert finding.versions == (imported_version(steps, steps[-1]),)
    assert "no pre-dose check is on record" in finding.detail


def test_an_imported_check_older_than_its_validity_is_c03(profile):
    facts = imported(
        profile,
        [
            *intake_for(profile),
            pre_dose_check(1, FIRST_DOSE, checked_at=FIRST_DOSE - 90 * MIN),
            dose(profile, 1, FIRST_DOSE),
        ],
    )

    [finding] = only(compliance_findings(facts), "C-03")

    assert finding.occurrence == "session-1/check"
    assert "90 min before it, beyond its validity of 60 min" in finding.detail


def test_a_cancelled_session_is_not_a_dose(profile):
    facts = imported(
        profile,
        [
            *intake_for(profile),
            dose(profile, 1, FIRST_DOSE, therapist_present=None, prescriber_on_site=None),
            discharge(1, FIRST_DOSE + 10 * MIN, released_to=None),
            step("DosingSessionCancelled", FIRST_DOSE + HOUR, session=1),
        ],
    )

    assert compliance_findings(facts) == []
