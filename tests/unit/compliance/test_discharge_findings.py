"""C-04: discharge after the minimum observation time, and to an escort."""

from __future__ import annotations

from domain.compliance import standing
from tests.unit.compliance.conftest import (
    AFTER,
    MIN,
    PRESCRIBER_OVERRIDE,
    findings_of,
    only,
    session_versions,
)
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    correct,
    discharge,
    discharge_time,
    dose,
    full_session,
    given_journey,
    intake_for,
    pre_dose_check,
)

EARLY = FIRST_DOSE + 40 * MIN


def discharged_early_with_override(profile):
    return given_journey(
        profile,
        [
            *intake_for(profile),
            pre_dose_check(1, FIRST_DOSE),
            dose(profile, 1, FIRST_DOSE),
            discharge(1, EARLY, override=PRESCRIBER_OVERRIDE),
        ],
    )


def test_a_discharge_corrected_to_no_escort_is_c04(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])
    discharge_version = session_versions(1)[2]

    correct(journey, discharge_version, {"released_to": None}, AFTER)

    [finding] = only(findings_of(journey), "C-04")
    assert finding.occurrence == "session-1/escort"
    assert finding.versions == (discharge_version, 11)
    assert finding.at == discharge_time(profile, FIRST_DOSE)  # the discharge, not the fix
    assert "without an escort" in finding.detail


def test_an_early_discharge_with_a_prescribers_override_is_not_c04(profile):
    journey = discharged_early_with_override(profile)

    found = standing(findings_of(journey), AFTER)

    assert [f.rule for f in found] == ["C-10"]


def test_an_early_discharge_whose_override_is_corrected_away_is_c04(profile):
    journey = discharged_early_with_override(profile)
    _, dose_version, discharge_version, _ = session_versions(1)

    correct(journey, discharge_version, {"override": None}, AFTER)

    [finding] = only(findings_of(journey), "C-04")
    assert finding.occurrence == "session-1/observation"
    assert finding.versions == (dose_version, discharge_version, 10)
    assert finding.at == EARLY
    assert "after 40 min of observation" in finding.detail
    assert f"at least {profile.min_observation_minutes} min" in finding.detail
    assert only(findings_of(journey), "C-10") == []
