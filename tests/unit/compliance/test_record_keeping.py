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
)

ITEM_9 = [1, 1, 1, 1, 1, 1, 1, 1, 1]
NOTED_AT = FIRST_DOSE - DAY


def intake_done(profile):
    return given_journey(profile, intake_for(profile))


def test_an_entry_recorded_30_hours_after_it_occurred_is_c08(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])
    vitals = step("VitalsRecorded", FIRST_DOSE + 30 * MIN, session=1)

    post(journey, vitals, recorded_at=FIRST_DOSE + 30 * MIN + 30 * HOUR)

    [finding] = findings_of(journey)
    assert (finding.rule, finding.occurrence) == ("C-08", "version-11")
    assert finding.versions == (11,)
    assert finding.at == FIRST_DOSE + 30 * MIN  # when it occurred, not when recorded
    assert "VitalsRecorded (version 11)" in finding.detail
    assert "30 h later" in finding.detail


def test_every_correction_is_c09_with_its_reason(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])
    dose_version = session_versions(1)[1]

    correct(journey, dose_version, {"lot_number": "KET-2026-119"}, FIRST_DOSE + DAY)

    [finding] = findings_of(journey)
    assert (finding.rule, finding.occurrence) == ("C-09", "version-11")
    assert finding.versions == (dose_version, 11)
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

    assert (finding.rule, finding.occurrence) == ("C-10", "version-8")
    assert finding.versions == (8,)
    assert finding.at == FIRST_DOSE
    assert "dose in session 1" in finding.detail
    assert "dr-lee (prescriber)" in finding.detail
    assert PRESCRIBER_OVERRIDE["reason"] in finding.detail


def test_a_safety_flag_with_no_review_is_c11(profile):
    journey = intake_done(profile)

    post(journey, phq9(ITEM_9, NOTED_AT, "follow_up"))

    [finding] = findings_of(journey)
    assert (finding.rule, finding.occurrence) == ("C-11", "version-7")
    assert finding.versions == (7,)
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

    correct(journey, 3, {"items": ITEM_9}, NOTED_AT)

    [finding] = only(findings_of(journey), "C-11")
    assert finding.occurrence == "version-3"
    assert finding.versions == (3, 8)
    assert finding.at == NOTED_AT  # the correction that raised it, not the entry of day 0
    assert "raised by version 8" in finding.detail
