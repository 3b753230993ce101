"""C-04: discharge after the minimum observation time (under the Spravato REMS, override or
not), and to an escort; C-10 lists each discharge override."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.compliance import compliance_findings, standing
from domain.protocols import KAP_STANDARD, SPRAVATO_REMS, SPRAVATO_REMS_2026
from tests.examples import VITALS
from tests.story import step
from tests.unit.compliance.conftest import (
    AFTER,
    MIN,
    PRESCRIBER_OVERRIDE,
    findings_of,
    imported,
    only,
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


def early_with_override(profile):
    """Session 1 discharged 40 min after the dose on a prescriber's override (a reading
    20 min after the dose covers KAP's in-session monitoring)."""
    return [
        *intake_for(profile),
        pre_dose_check(1, FIRST_DOSE),
        dose(profile, 1, FIRST_DOSE),
        step("VitalsRecorded", FIRST_DOSE + 20 * MIN, session=1),
        discharge(1, EARLY, override=PRESCRIBER_OVERRIDE),
    ]


def versions(journey, number=1):
    session = journey.facts.session(number)
    return session["dose"]["version"], session["discharge"]["version"]


def test_a_discharge_corrected_to_no_escort_is_c04(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])
    _, discharge_version = versions(journey)

    correct(journey, discharge_version, {"released_to": None}, AFTER, role="nurse")

    [finding] = only(findings_of(journey), "C-04")
    assert finding.occurrence == "session-1/escort"
    assert finding.versions == (discharge_version, journey.version)
    assert finding.at == discharge_time(profile, FIRST_DOSE)  # the discharge, not the fix
    assert "without an escort" in finding.detail


def test_an_early_kap_discharge_with_a_prescribers_override_is_not_c04_but_c10():
    journey = given_journey(KAP_STANDARD, early_with_override(KAP_STANDARD))

    found = standing(findings_of(journey), AFTER)

    assert [f.rule for f in found] == ["C-10"]
    assert "discharge in session 1" in found[0].detail


def test_an_early_kap_discharge_whose_override_is_corrected_away_is_c04():
    journey = given_journey(KAP_STANDARD, early_with_override(KAP_STANDARD))
    dose_version, discharge_version = versions(journey)

    correct(journey, discharge_version, {"override": None}, AFTER, role="nurse")

    [finding] = only(findings_of(journey), "C-04")
    assert finding.occurrence == "session-1/observation"
    assert finding.versions == (dose_version, discharge_version, journey.version)
    assert finding.at == EARLY
    assert "after 40 min of observation" in finding.detail
    assert "at least 60 min" in finding.detail
    assert "no valid prescriber override was given" in finding.detail
    assert only(findings_of(journey), "C-10") == []


@pytest.mark.parametrize(
    "facts_of",
    [
        pytest.param(
            lambda: (
                given_journey(SPRAVATO_REMS_2026, early_with_override(SPRAVATO_REMS_2026)).facts
            ),
            id="spravato-2026-recorded",
        ),
        pytest.param(
            lambda: imported(SPRAVATO_REMS, early_with_override(SPRAVATO_REMS)),
            id="spravato-2027-imported",
        ),
    ],
)
def test_an_early_spravato_discharge_is_c04_even_with_a_prescribers_override(facts_of):
    """J-10 refuses it under 2027-1; an imported history, or one recorded under 2026-11-01
    (which took the override), still shows it to the auditor: the REMS has no override."""
    found = compliance_findings(facts_of())

    [finding] = only(found, "C-04")
    assert finding.occurrence == "session-1/observation"
    assert finding.at == EARLY
    assert "requires at least 120 min" in finding.detail
    assert "the REMS minimum admits no override" in finding.detail
    assert [f.rule for f in only(found, "C-10")] == ["C-10"]


@pytest.mark.parametrize("minutes", [119, 120])
def test_a_spravato_discharge_is_c04_up_to_a_minute_short_of_120(minutes):
    steps = early_with_override(SPRAVATO_REMS)
    steps[-1] = discharge(1, FIRST_DOSE + minutes * MIN, override=PRESCRIBER_OVERRIDE)

    found = only(compliance_findings(imported(SPRAVATO_REMS, steps)), "C-04")

    assert len(found) == (1 if minutes == 119 else 0)


def test_a_discharge_on_an_override_of_its_vitals_is_c10_with_who_and_why(profile):
    high = {**VITALS, "systolic": 161}
    steps = [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)]
    index = next(i for i, s in enumerate(steps) if s.type == "PatientDischarged")
    steps[index] = discharge(
        1, discharge_time(profile, FIRST_DOSE), vitals=high, override=PRESCRIBER_OVERRIDE
    )
    journey = given_journey(profile, steps)

    found = standing(findings_of(journey), AFTER + timedelta(days=1))

    [override] = only(found, "C-10")
    assert "discharge in session 1" in override.detail
    assert "dr-lee (prescriber)" in override.detail
    assert PRESCRIBER_OVERRIDE["reason"] in override.detail
    assert only(found, "C-04") == []


def test_observation_is_audited_from_the_last_administration():
    """A booster at 10:30 makes a discharge at 11:15 early (60 min count from 10:30)."""
    steps = early_with_override(KAP_STANDARD)[:-1]
    steps.append(dose(KAP_STANDARD, 1, FIRST_DOSE + 30 * MIN, booster=True, dose_mg=15))
    steps.append(discharge(1, FIRST_DOSE + 75 * MIN))

    [finding] = only(compliance_findings(imported(KAP_STANDARD, steps)), "C-04")

    assert "after 45 min of observation since the last administration" in finding.detail
