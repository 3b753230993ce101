"""J-16, REMS program elements: enrollment before a Spravato dose, REMS entries only under
a REMS protocol, and an overdue monitoring form as the next step (issue 10, 5-7 and 24)."""

from __future__ import annotations

from datetime import timedelta

from domain.protocols import (
    KAP_STANDARD,
    KAP_STANDARD_2026,
    SPRAVATO_REMS,
    SPRAVATO_REMS_2026,
    ProtocolProfile,
)
from tests.story import step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge_time,
    dose,
    full_session,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    refused,
    status_of,
)

MIN = timedelta(minutes=1)
DAY = timedelta(days=1)
FORM_DUE = FIRST_DOSE + 7 * DAY
"""Spravato's monitoring form is due 7 days after the dose."""


def not_enrolled(profile: ProtocolProfile):
    """Intake done and the pre-dose check taken, but no RemsPatientEnrolled on record."""
    steps = [s for s in intake_for(profile) if s.type != "RemsPatientEnrolled"]
    return given_journey(profile, [*steps, pre_dose_check(1, FIRST_DOSE)])


def enrollment(at=FIRST_DOSE - DAY):
    return step("RemsPatientEnrolled", at, enrolled_at=at.isoformat())


# J-16: no Spravato dose before the REMS enrollment


def test_a_spravato_dose_before_rems_enrollment_is_refused_under_j16():
    journey = not_enrolled(SPRAVATO_REMS)

    violation = refused(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE))

    assert violation.rule == "J-16"
    assert "record RemsPatientEnrolled" in violation.detail


def test_the_status_lists_the_missing_enrollment_among_the_blockers():
    journey = not_enrolled(SPRAVATO_REMS)

    assert any(
        b.rule == "J-16" and "not enrolled" in b.text
        for b in status_of(journey, FIRST_DOSE).blockers
    )


def test_once_enrolled_the_spravato_dose_is_given():
    journey = not_enrolled(SPRAVATO_REMS)
    post(journey, enrollment(FIRST_DOSE - 10 * MIN))

    post(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE))

    assert journey.facts.session(1)["dose"] is not None
    assert journey.facts.enrollment["enrollment_id"] == "SPR-PT-55012"


def test_a_journey_opened_under_spravato_2026_doses_without_an_enrollment():
    journey = not_enrolled(SPRAVATO_REMS_2026)

    post(journey, dose(SPRAVATO_REMS_2026, 1, FIRST_DOSE))

    assert journey.facts.enrollment is None
    assert journey.facts.session(1)["dose"] is not None


def test_spravato_2026_still_records_an_enrollment():
    journey = not_enrolled(SPRAVATO_REMS_2026)

    post(journey, enrollment())

    assert journey.facts.enrollment is not None


# J-16: REMS entries only on a journey under the REMS


def kap_dosed(profile: ProtocolProfile):
    return given_journey(
        profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE, integrate=False)]
    )


def test_kap_refuses_a_rems_enrollment_under_j16():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD))

    violation = refused(journey, enrollment())

    assert violation.rule == "J-16"
    assert "kap-standard 2027-1" in violation.detail
    assert "spravato-rems" in violation.detail


def test_kap_refuses_a_rems_monitoring_form_under_j16():
    journey = kap_dosed(KAP_STANDARD)
    form = step("RemsMonitoringFormSubmitted", discharge_time(KAP_STANDARD, FIRST_DOSE), session=1)

    violation = refused(journey, form)

    assert violation.rule == "J-16"
    assert "RemsMonitoringFormSubmitted belongs to the Spravato REMS" in violation.detail


def test_kap_2026_still_accepts_a_rems_monitoring_form():
    journey = kap_dosed(KAP_STANDARD_2026)

    post(
        journey,
        step(
            "RemsMonitoringFormSubmitted", discharge_time(KAP_STANDARD_2026, FIRST_DOSE), session=1
        ),
    )

    assert journey.facts.session(1)["rems_form"] is not None


def test_spravato_accepts_its_monitoring_form():
    journey = given_journey(
        SPRAVATO_REMS, [*intake_for(SPRAVATO_REMS), *full_session(SPRAVATO_REMS, 1, FIRST_DOSE)]
    )

    assert journey.facts.session(1)["rems_form"] is not None


# Item 24: an overdue monitoring form is the next step, before the next pre-dose check


def without_form():
    return given_journey(
        SPRAVATO_REMS,
        [*intake_for(SPRAVATO_REMS), *full_session(SPRAVATO_REMS, 1, FIRST_DOSE, rems_form=False)],
    )


def test_an_overdue_rems_form_is_the_next_step_naming_the_session_and_its_deadline():
    status = status_of(without_form(), FORM_DUE + MIN)

    assert "rems_form_overdue" in status.flags
    assert status.next_step.code == "submit_rems_form"
    assert "session 1" in status.next_step.text
    assert FORM_DUE.strftime("%Y-%m-%d %H:%M UTC") in status.next_step.text


def test_at_its_deadline_the_form_is_not_yet_overdue_and_the_pre_dose_check_comes_next():
    status = status_of(without_form(), FORM_DUE)

    assert "rems_form_overdue" not in status.flags
    assert status.next_step.code == "pre_dose_check"


def test_the_earliest_overdue_form_is_named_first():
    second = FIRST_DOSE + 3 * DAY
    journey = given_journey(
        SPRAVATO_REMS,
        [
            *intake_for(SPRAVATO_REMS),
            *full_session(SPRAVATO_REMS, 1, FIRST_DOSE, rems_form=False),
            *full_session(SPRAVATO_REMS, 2, second, rems_form=False),
        ],
    )

    step_now = status_of(journey, second + 8 * DAY).next_step

    assert step_now.code == "submit_rems_form"
    assert "session 1" in step_now.text


def test_a_submitted_form_leaves_the_pre_dose_check_next():
    journey = without_form()
    post(journey, step("RemsMonitoringFormSubmitted", FORM_DUE + MIN, session=1))

    assert status_of(journey, FORM_DUE + 2 * MIN).next_step.code == "pre_dose_check"


def test_an_overdue_form_does_not_interrupt_the_session_under_way():
    journey = without_form()
    next_dose = FORM_DUE + DAY
    post(journey, pre_dose_check(2, next_dose))

    assert status_of(journey, next_dose).next_step.code == "administer_dose"
