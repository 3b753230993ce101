"""J-10 under protocol 2027-1: observation, monitoring, resolution and discharge vitals.

Session 1 is dosed at 10:00 UTC (FIRST_DOSE). Spravato needs 120 min, no override, the
40-minute reading (30 to 50 min after the dose, both ends counting), sedation,
dissociation and respiratory depression resolved, and SpO2; KAP needs 60 min (a
prescriber may override), a reading at any time after the dose, sedation and
dissociation resolved. Both check discharge vitals against 160/100, HR 110, SpO2 94.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from domain.protocols import (
    KAP_STANDARD,
    KAP_STANDARD_2026,
    SPRAVATO_REMS,
    SPRAVATO_REMS_2026,
    ProtocolProfile,
)
from domain.rules.aftercare import check_discharge
from domain.rules.discharge import observation_step
from domain.status import NextStep
from tests.examples import VITALS
from tests.story import step
from tests.unit.compliance.conftest import imported
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    dose,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    refused,
    status_of,
)

MIN = timedelta(minutes=1)
OVERRIDE = {"by": {"id": "prescriber-1", "role": "prescriber"}, "reason": "Stable; transfer."}
NURSE_OVERRIDE = {"by": {"id": "nurse-1", "role": "nurse"}, "reason": "Looks fine."}
READING = 40 * MIN

READING_WINDOW = (
    "Record the 40-minute reading of session 1 from 2026-10-06 10:30 UTC, within 20 minutes."
)


def dosed(profile: ProtocolProfile, reading_after: timedelta | None = READING) -> Any:
    """Session 1 dosed at FIRST_DOSE, with an in-session reading ``reading_after`` it."""
    steps = [*intake_for(profile), pre_dose_check(1, FIRST_DOSE), dose(profile, 1, FIRST_DOSE)]
    if reading_after is not None:
        steps.append(step("VitalsRecorded", FIRST_DOSE + reading_after, session=1))
    return given_journey(profile, steps)


def after(profile: ProtocolProfile, minutes: float = 0) -> Any:
    """The profile's minimum observation after the dose, plus ``minutes``."""
    return FIRST_DOSE + (profile.min_observation_minutes + minutes) * MIN


def vitals(**changes: Any) -> dict[str, Any]:
    return {**VITALS, **changes}


def discharged_ok(profile: ProtocolProfile, journey: Any, **changes: Any) -> None:
    post(journey, discharge(1, after(profile), **changes))
    assert journey.facts.session(1)["discharge"] is not None


# --- 1. the observation minimum -----------------------------------------------------------


@pytest.mark.parametrize("override", [None, OVERRIDE], ids=["no-override", "prescriber-override"])
def test_a_spravato_discharge_a_minute_short_of_120_is_refused_override_or_not(override):
    journey = dosed(SPRAVATO_REMS)

    violation = refused(journey, discharge(1, after(SPRAVATO_REMS, -1), override=override))

    assert violation.rule == "J-10"
    assert "Only 119 min observed" in violation.detail
    assert "at least 120 min" in violation.detail
    assert "cannot be overridden" in violation.detail
    assert "not before 2026-10-06 12:00 UTC" in violation.detail


def test_a_spravato_discharge_at_exactly_120_min_is_accepted():
    discharged_ok(SPRAVATO_REMS, dosed(SPRAVATO_REMS))


def test_a_kap_discharge_a_minute_short_of_60_needs_a_prescribers_override():
    journey = dosed(KAP_STANDARD)

    violation = refused(journey, discharge(1, after(KAP_STANDARD, -1)))
    post(journey, discharge(1, after(KAP_STANDARD, -1), override=OVERRIDE))

    assert violation.rule == "J-10"
    assert "prescriber's override with a reason" in violation.detail
    assert "not before 2026-10-06 11:00 UTC" in violation.detail
    assert journey.facts.overrides[0]["what"] == "discharge in session 1"


def test_a_kap_discharge_at_exactly_60_min_is_accepted():
    discharged_ok(KAP_STANDARD, dosed(KAP_STANDARD))


def test_observation_counts_from_the_last_administration_a_booster():
    """A booster at 10:30 moves the earliest discharge from 11:00 to 11:30."""
    given = [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE)]
    given += [dose(KAP_STANDARD, 1, FIRST_DOSE), step("VitalsRecorded", FIRST_DOSE, session=1)]
    given.append(dose(KAP_STANDARD, 1, FIRST_DOSE + 30 * MIN, booster=True, dose_mg=15))
    facts = imported(KAP_STANDARD, given)
    body = discharge(1, FIRST_DOSE).data
    check_discharge(facts, body, FIRST_DOSE + 90 * MIN)

    with pytest.raises(Exception, match="not before 2026-10-06 11:30 UTC") as caught:
        check_discharge(facts, body, FIRST_DOSE + 89 * MIN)

    assert "since the last administration" in str(caught.value)
    assert observation_step(facts, facts.session(1), FIRST_DOSE + 31 * MIN) == (
        "discharge",
        "Discharge session 1 from 2026-10-06 11:30 UTC once sedation and dissociation "
        "have resolved.",
    )


# --- 2. resolution of sedation, dissociation, respiratory depression ------------------------

RESOLVED = ["sedation_resolved", "dissociation_resolved", "respiratory_depression_resolved"]


@pytest.mark.parametrize("field", RESOLVED)
@pytest.mark.parametrize(("value", "said"), [(False, "false"), (None, "missing")])
def test_spravato_discharge_needs_all_three_resolved_with_no_override(field, value, said):
    journey = dosed(SPRAVATO_REMS)

    violation = refused(
        journey, discharge(1, after(SPRAVATO_REMS), override=OVERRIDE, **{field: value})
    )

    assert violation.rule == "J-10"
    assert f"{field} is {said}" in violation.detail
    assert "sedation, dissociation and respiratory depression resolved" in violation.detail
    assert "no override" in violation.detail


def test_a_refusal_names_each_unresolved_finding():
    journey = dosed(SPRAVATO_REMS)
    body = discharge(1, after(SPRAVATO_REMS), sedation_resolved=False)
    del body.data["respiratory_depression_resolved"]

    violation = refused(journey, body)

    assert "sedation_resolved is false; respiratory_depression_resolved is missing" in (
        violation.detail
    )
    assert "dissociation_resolved" not in violation.detail


@pytest.mark.parametrize("field", RESOLVED[:2])
def test_kap_discharge_needs_sedation_and_dissociation_resolved(field):
    journey = dosed(KAP_STANDARD)

    violation = refused(journey, discharge(1, after(KAP_STANDARD), **{field: False}))

    assert violation.rule == "J-10"
    assert "sedation and dissociation resolved" in violation.detail


def test_kap_discharge_does_not_ask_about_respiratory_depression():
    journey = dosed(KAP_STANDARD)

    discharged_ok(KAP_STANDARD, journey, respiratory_depression_resolved=None)


# --- 3. discharge vitals --------------------------------------------------------------------

AT_THE_LINE = [
    pytest.param("systolic", 160, 161, id="systolic-160"),
    pytest.param("diastolic", 100, 101, id="diastolic-100"),
    pytest.param("heart_rate", 110, 111, id="heart-rate-110"),
    pytest.param("spo2", 94, 93, id="spo2-94"),
]


@pytest.mark.parametrize(("name", "allowed", "beyond"), AT_THE_LINE)
def test_discharge_vitals_at_the_limit_are_accepted(profile, name, allowed, beyond):
    discharged_ok(profile, dosed(profile), vitals=vitals(**{name: allowed}))


@pytest.mark.parametrize(("name", "allowed", "beyond"), AT_THE_LINE)
def test_discharge_vitals_beyond_the_limit_need_a_prescribers_override(
    profile, name, allowed, beyond
):
    journey = dosed(profile)

    violation = refused(journey, discharge(1, after(profile), vitals=vitals(**{name: beyond})))

    assert violation.rule == "J-10"
    side = "below" if name == "spo2" else "above"
    assert f"{name} {beyond} {side} {allowed}" in violation.detail
    assert "prescriber's override (role prescriber) with a reason" in violation.detail


def test_discharge_vitals_beyond_the_limits_with_a_prescribers_override_are_accepted(profile):
    journey = dosed(profile)

    discharged_ok(profile, journey, vitals=vitals(systolic=161, spo2=93), override=OVERRIDE)

    assert journey.facts.overrides[0]["what"] == "discharge in session 1"


@pytest.mark.parametrize(
    "override",
    [NURSE_OVERRIDE, {**OVERRIDE, "reason": " "}],
    ids=["nurse", "no-reason"],
)
def test_an_invalid_override_does_not_lift_the_discharge_vitals(profile, override):
    journey = dosed(profile)

    violation = refused(
        journey, discharge(1, after(profile), vitals=vitals(systolic=161), override=override)
    )

    assert violation.rule == "J-10"


def test_spravato_discharge_needs_spo2_measured():
    journey = dosed(SPRAVATO_REMS)

    violation = refused(
        journey, discharge(1, after(SPRAVATO_REMS), vitals=vitals(spo2=None), override=OVERRIDE)
    )

    assert violation.rule == "J-10"
    assert "add vitals.spo2" in violation.detail


def test_kap_discharge_without_spo2_is_accepted():
    discharged_ok(KAP_STANDARD, dosed(KAP_STANDARD), vitals=vitals(spo2=None))


# --- 4. in-session monitoring ---------------------------------------------------------------


@pytest.mark.parametrize("minutes", [30, 50])
def test_the_spravato_reading_at_either_end_of_the_window_counts(minutes):
    discharged_ok(SPRAVATO_REMS, dosed(SPRAVATO_REMS, minutes * MIN))


@pytest.mark.parametrize("minutes", [29, 51, None])
def test_spravato_discharge_without_a_reading_in_the_window_is_refused(minutes):
    journey = dosed(SPRAVATO_REMS, None if minutes is None else minutes * MIN)

    violation = refused(journey, discharge(1, after(SPRAVATO_REMS), override=OVERRIDE))

    assert violation.rule == "J-10"
    assert READING_WINDOW in (violation.detail)


def test_kap_discharge_needs_a_reading_during_the_session():
    journey = dosed(KAP_STANDARD, None)

    violation = refused(journey, discharge(1, after(KAP_STANDARD), override=OVERRIDE))

    assert violation.rule == "J-10"
    assert "Record a vitals reading of session 1 (VitalsRecorded)" in violation.detail


@pytest.mark.parametrize(("minutes", "accepted"), [(0, True), (-1, False)])
def test_a_kap_reading_counts_from_the_dose_on(minutes, accepted):
    journey = dosed(KAP_STANDARD, minutes * MIN)
    leaving = discharge(1, after(KAP_STANDARD))

    if accepted:
        post(journey, leaving)
    else:
        assert refused(journey, leaving).rule == "J-10"


@pytest.mark.parametrize(("minutes", "accepted"), [(0, True), (1, False)])
def test_a_kap_reading_after_a_back_dated_discharge_does_not_count(minutes, accepted):
    journey = dosed(KAP_STANDARD, KAP_STANDARD.min_observation_minutes * MIN + minutes * MIN)
    leaving = discharge(1, after(KAP_STANDARD))

    if accepted:
        post(journey, leaving)
    else:
        assert refused(journey, leaving).rule == "J-10"


def test_a_protocol_minimum_without_override_outside_the_rems_says_so():
    strict = replace(
        KAP_STANDARD, observation_override_allowed=False, discharge_resolved_required=[]
    )
    journey = dosed(strict)

    violation = refused(journey, discharge(1, after(strict, -1), override=OVERRIDE))

    assert "the protocol's minimum cannot be overridden" in violation.detail
    assert status_of(journey, after(strict)).next_step == NextStep(
        "discharge", "Discharge session 1 from 2026-10-06 11:00 UTC."
    )


# --- status while observed ------------------------------------------------------------------


def test_spravato_observation_asks_for_the_40_minute_reading_then_the_discharge():
    journey = dosed(SPRAVATO_REMS, None)
    waiting = status_of(journey, FIRST_DOSE + 10 * MIN)
    post(journey, step("VitalsRecorded", FIRST_DOSE + READING, session=1))
    watched = status_of(journey, FIRST_DOSE + 45 * MIN)

    assert waiting.next_step == NextStep("record_vitals", READING_WINDOW)
    assert watched.next_step == NextStep(
        "discharge",
        "Discharge session 1 from 2026-10-06 12:00 UTC once sedation, dissociation and respiratory "
        "depression have resolved.",
    )


def test_kap_observation_asks_for_a_reading_then_the_discharge():
    journey = dosed(KAP_STANDARD, None)
    waiting = status_of(journey, FIRST_DOSE + 10 * MIN)
    post(journey, step("VitalsRecorded", FIRST_DOSE + 20 * MIN, session=1))
    watched = status_of(journey, FIRST_DOSE + 25 * MIN)

    assert waiting.next_step.code == "record_vitals"
    assert watched.next_step == NextStep(
        "discharge",
        "Discharge session 1 from 2026-10-06 11:00 UTC once sedation and dissociation "
        "have resolved.",
    )


def test_during_observation_the_blockers_are_the_sessions_not_the_next_doses():
    journey = dosed(SPRAVATO_REMS, None)

    blockers = status_of(journey, FIRST_DOSE + 10 * MIN).blockers

    assert [(b.rule, b.overridable) for b in blockers] == [
        ("J-08", False),
        ("J-10", False),
        ("J-10", False),
    ]
    assert "record PatientDischarged for session 1" in blockers[0].text
    assert "not before 2026-10-06 12:00 UTC" in blockers[1].text
    assert "40-minute reading" in blockers[2].text


def test_during_observation_a_hold_still_shows_and_the_next_doses_timing_does_not():
    journey = dosed(SPRAVATO_REMS)
    post(journey, step("AdverseEventReported", FIRST_DOSE + 20 * MIN, severity="severe"))

    rules = [b.rule for b in status_of(journey, after(SPRAVATO_REMS)).blockers]

    assert rules == ["J-12", "J-08"]


def test_once_observed_and_monitored_only_the_open_session_blocks():
    journey = dosed(KAP_STANDARD)

    assert status_of(journey, after(KAP_STANDARD, -1)).blockers[1].overridable
    assert [b.rule for b in status_of(journey, after(KAP_STANDARD)).blockers] == ["J-08"]


def test_after_discharge_the_blockers_are_the_next_doses_again():
    journey = dosed(SPRAVATO_REMS)
    post(journey, discharge(1, after(SPRAVATO_REMS)))

    rules = [b.rule for b in status_of(journey, after(SPRAVATO_REMS, 1)).blockers]

    assert "J-07" in rules
    assert "J-10" not in rules


# --- 2026-11-01 keeps its rules -------------------------------------------------------------

ANYTHING_GOES = {
    "vitals": {"systolic": 200, "diastolic": 120, "heart_rate": 130},
    "sedation_resolved": False,
    "dissociation_resolved": None,
    "respiratory_depression_resolved": False,
}


def test_spravato_2026_keeps_the_override_and_asks_nothing_new():
    journey = dosed(SPRAVATO_REMS_2026, None)
    status = status_of(journey, FIRST_DOSE + 10 * MIN)

    post(journey, discharge(1, FIRST_DOSE + 40 * MIN, override=OVERRIDE, **ANYTHING_GOES))

    assert status.next_step == NextStep("discharge", "Discharge session 1 after at least 120 min.")
    assert "J-08" in [b.rule for b in status.blockers]


def test_kap_2026_discharges_without_a_reading_or_resolution_at_any_vitals():
    journey = dosed(KAP_STANDARD_2026, None)

    post(journey, discharge(1, after(KAP_STANDARD_2026), **ANYTHING_GOES))

    assert journey.facts.session(1)["discharge"] is not None
