"""C-01: consent active and an eligible screening before each dose, by occurred times."""

from __future__ import annotations

from domain.compliance import compliance_findings
from tests.story import step
from tests.unit.compliance.conftest import (
    AFTER,
    HOUR,
    dosed_once,
    findings_of,
    imported,
    keys,
    only,
    session_versions,
)
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    correct,
    dose,
    full_session,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    version_of,
)


def test_a_consent_withdrawal_back_dated_before_the_dose_is_c01(profile):
    journey = dosed_once(profile)
    post(journey, step("ConsentWithdrawn", FIRST_DOSE - HOUR), recorded_at=AFTER)
    withdrawal = journey.version

    [finding] = findings_of(journey)

    assert (finding.rule, finding.occurrence) == ("C-01", "session-1/consent")
    assert finding.versions == (session_versions(journey, 1).dose, withdrawal)
    assert finding.at == FIRST_DOSE
    assert "without active consent" in finding.detail
    assert "withdrawn" in finding.detail


def test_a_withdrawal_after_the_dose_is_not_c01(profile):
    journey = dosed_once(profile)

    post(journey, step("ConsentWithdrawn", AFTER))

    assert only(findings_of(journey), "C-01") == []


def test_consent_signed_again_after_a_withdrawal_is_active_for_the_dose(profile):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            step("ConsentWithdrawn", FIRST_DOSE - 2 * HOUR),
            step("ConsentSigned", FIRST_DOSE - HOUR),
            *full_session(profile, 1, FIRST_DOSE),
        ],
    )

    assert only(findings_of(journey), "C-01") == []


def test_a_screening_corrected_to_ineligible_is_c01_for_each_dose(profile):
    journey = dosed_once(profile)
    screening = version_of(journey, "ScreeningCompleted")

    correct(journey, screening, {"decision": "ineligible"}, AFTER)

    [finding] = only(findings_of(journey), "C-01")
    assert finding.occurrence == "session-1/screening"
    assert finding.versions == (screening, session_versions(journey, 1).dose, journey.version)
    assert "decided ineligible" in finding.detail


def test_an_imported_dose_with_no_consent_or_screening_is_c01_twice(profile):
    facts = imported(
        profile,
        [pre_dose_check(1, FIRST_DOSE), dose(profile, 1, FIRST_DOSE)],
    )

    found = only(compliance_findings(facts), "C-01")

    assert keys(found) == [("C-01", "session-1/consent"), ("C-01", "session-1/screening")]
    assert all(f.versions == (3,) for f in found)
    assert "no consent had been signed" in found[0].detail
    assert "without a screening on record" in found[1].detail


def test_a_screening_that_occurred_after_the_dose_is_c01(profile):
    intake = intake_for(profile)
    screening = next(s for s in intake if s.type == "ScreeningCompleted")
    late_screening = step("ScreeningCompleted", FIRST_DOSE + HOUR)
    steps = [s for s in intake if s is not screening]
    facts = imported(profile, [*steps, *full_session(profile, 1, FIRST_DOSE)[:2], late_screening])

    [finding] = only(compliance_findings(facts), "C-01")

    assert finding.occurrence == "session-1/screening"
    assert "occurred after it" in finding.detail


def test_a_rescreening_after_the_dose_leaves_the_dose_covered_by_the_earlier_one(profile):
    rescreening = step("ScreeningCompleted", FIRST_DOSE + HOUR)
    facts = imported(
        profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)[:2], rescreening]
    )

    assert only(compliance_findings(facts), "C-01") == []


def test_an_ineligible_rescreening_before_the_dose_is_c01(profile):
    rescreening = step("ScreeningCompleted", FIRST_DOSE - HOUR, decision="ineligible")
    facts = imported(
        profile, [*intake_for(profile), rescreening, *full_session(profile, 1, FIRST_DOSE)[:2]]
    )

    [finding] = only(compliance_findings(facts), "C-01")

    assert "decided ineligible" in finding.detail
