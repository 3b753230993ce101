"""C-08 to C-11: late entries, corrections, overrides, and safety flags left unreviewed."""

from __future__ import annotations

from domain.compliance import standing
from tests.story import phq9, step
from tests.unit.compliance.conftest import (
    DAY,
    HIGH_BP,
    HOUR,
    MIN,
    PRESCRIBER_OVERRIDE,
    findings_of,
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

ITEM_9 = [1, 1, 1, 1, 1, 1, 1, 1, 1]
NOTED_AT = FIRST_DOSE - DAY


def intake_done(profile):
    return given_journey(profile, intake_for(profile))


def test_an_entry_recorded_30_hours_after_it_occurred_is_c08(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])
    vitals = step("VitalsRecorded", FIRST_DOSE + 30 * MIN, session=1)

    post(journey, vitals, recorded_at=FIRST_DOSE + 30 * MIN + 30 * HOUR)
    late = journey.version

    [finding] = findings_of(journey)
    assert (finding.rule, finding.occurrence) == ("C-08", f"version-{late}")
    assert finding.versions == (late,)
    assert finding.at == FIRST_DOSE + 30 * MIN  # when it occurred, not when recorded
    assert f"VitalsRecorded (version {late})" in finding.detail
    assert "30 h later" in finding.detail


def test_every_correction_is_c09_with_its_reason(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])
    dose_version = session_versions(journey, 1).dose

    correct(journey, dose_version, {"lot_number": "KET-2026-119"}, FIRST_DOSE + DAY)
    correction = journey.version

    [finding] = findings_of(journey)
    assert (finding.rule, finding.occurrence) == ("C-09", f"version-{correction}")
    assert finding.versions == (dose_version, correction)
    assert finding.at == FIRST_DOSE + DAY
    assert f"corrects version {dose_version}" in finding.detail
    assert "Keyed wrongly." in finding.detail


def test_every_override_is_c10_with_who_and_why(profile):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            pre_dose_check(1, FIRST_DOSE, vitals=HIGH_BP),
            dose(profile, 1, FIRST_DOSE, override=PRESCRIBER_OVERRIDE),
        ],
    )

    [finding] = standing(findings_of(journey), FIRST_DOSE + DAY)

    dose_version = version_of(journey, "KetamineAdministered", session=1)
    assert (finding.rule, finding.occurrence) == ("C-10", f"version-{dose_version}")
    assert finding.versions == (dose_version,)
    assert finding.at == FIRST_DOSE
    assert "dose in session 1" in finding.detail
    assert "dr-lee (prescriber)" in finding.detail
    assert PRESCRIBER_OVERRIDE["reason"] in finding.detail


def test_a_safety_flag_with_no_review_is_c11(profile):
    journey = intake_done(profile)

    post(journey, phq9(ITEM_9, NOTED_AT, "follow_up"))
    noted = journey.version

    [finding] = findings_of(journey)
    assert (finding.rule, finding.occurrence) == ("C-11", f"version-{noted}")
    assert finding.versions == (noted,)
    assert finding.at == NOTED_AT
    assert "PHQ-9 item 9" in finding.detail


def test_a_safety_review_after_the_flag_answers_it_even_if_not_cleared(profile):
    journey = intake_done(profile)
    post(journey, phq9(ITEM_9, NOTED_AT, "follow_up"))

    post(journey, step("SafetyReviewCompleted", NOTED_AT + HOUR, cleared=False))

    assert findings_of(journey) == []


def test_a_review_before_the_flag_does_not_answer_it(profile):
    journey = intake_done(profile)
    post(journey, step("SafetyReviewCompleted", NOTED_AT - HOUR))

    post(journey, phq9(ITEM_9, NOTED_AT, "follow_up"))

    assert [f.rule for f in findings_of(journey)] == ["C-11"]


def test_a_flag_revealed_by_a_correction_needs_a_review_after_the_correction(profile):
    journey = intake_done(profile)
    post(journey, step("SafetyReviewCompleted", NOTED_AT - HOUR))

    baseline = version_of(journey, "OutcomeMeasureRecorded", timepoint="baseline")

    correct(journey, baseline, {"items": ITEM_9}, NOTED_AT)
    correction = journey.version

    [finding] = only(findings_of(journey), "C-11")
    assert finding.occurrence == f"version-{baseline}"
    assert finding.versions == (baseline, correction)
    assert finding.at == NOTED_AT  # the correction that raised it, not the entry of day 0
    assert f"raised by version {correction}" in finding.detail
