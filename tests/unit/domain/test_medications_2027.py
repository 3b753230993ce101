"""J-07 medications (issue 10, item 11): the interaction review a reconciled list asks of a
prescriber, and under Spravato 2027-1 a reconciliation within 30 days of each dose."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.protocols import KAP_STANDARD, SPRAVATO_REMS, SPRAVATO_REMS_2026
from domain.rules.medications import INTERACTION_NOTES, interaction_sentences
from tests.story import phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    dose,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    refused,
    status_of,
)

MIN = timedelta(minutes=1)
SEC = timedelta(seconds=1)
DAY = timedelta(days=1)
LATER = FIRST_DOSE + DAY


def medications(*classes: str) -> list[dict[str, str]]:
    return [{"name": f"drug-{n}", "class": c, "dose": "daily"} for n, c in enumerate(classes)]


def reconciled(at, *classes: str):
    return step("MedicationsReconciled", at, medications=medications(*classes))


def interactions_reviewed(at, reviewed: bool = True, **changes):
    return step("SafetyReviewCompleted", at, interactions_reviewed=reviewed, **changes)


def journey_with(*classes: str, profile=KAP_STANDARD):
    """Intake done, then a reconciliation listing ``classes`` on the day of the first dose."""
    return given_journey(profile, [*intake_for(profile), reconciled(FIRST_DOSE - MIN, *classes)])


def flagged(journey) -> bool:
    return "interaction_review" in status_of(journey, LATER).flags


# The interaction review flag

SENTENCE_FOR = {
    "benzodiazepine": "blunt the response",
    "lamotrigine": "blunt the response",
    "maoi": "blood pressure",
    "stimulant": "blood pressure",
    "opioid": "sedation",
    "other_cns_depressant": "sedation",
}


@pytest.mark.parametrize(("drug_class", "words"), SENTENCE_FOR.items())
def test_each_interacting_class_on_the_list_gives_its_sentence_and_the_flag(drug_class, words):
    journey = journey_with(drug_class)

    [sentence] = interaction_sentences(journey.facts)

    assert words in sentence
    assert flagged(journey)


@pytest.mark.parametrize("drug_class", ["antidepressant", "other"])
def test_a_class_without_an_interaction_raises_no_flag(drug_class):
    journey = journey_with(drug_class)

    assert interaction_sentences(journey.facts) == []
    assert not flagged(journey)


def test_a_sentence_per_class_present_however_many_drugs_share_it():
    journey = journey_with("opioid", "benzodiazepine", "opioid", "antidepressant", "maoi")

    assert interaction_sentences(journey.facts) == [
        INTERACTION_NOTES["benzodiazepine"],
        INTERACTION_NOTES["maoi"],
        INTERACTION_NOTES["opioid"],
    ]


def test_a_reconciliation_with_an_empty_list_raises_no_flag():
    journey = journey_with()

    assert journey.facts.medications()["medications"] == []
    assert not flagged(journey)


def test_a_prescribers_review_of_the_interactions_clears_the_flag():
    journey = journey_with("benzodiazepine")

    post(journey, interactions_reviewed(FIRST_DOSE))

    assert interaction_sentences(journey.facts) == []
    assert not flagged(journey)


def test_a_new_list_after_the_review_raises_the_flag_again():
    journey = journey_with("benzodiazepine")
    post(journey, interactions_reviewed(FIRST_DOSE))

    post(journey, reconciled(FIRST_DOSE + MIN, "benzodiazepine", "stimulant"))

    assert len(interaction_sentences(journey.facts)) == 2
    assert flagged(journey)


def test_a_review_that_does_not_acknowledge_the_interactions_keeps_the_flag():
    journey = journey_with("opioid")

    post(journey, interactions_reviewed(FIRST_DOSE, reviewed=False))

    assert flagged(journey)


def test_a_review_before_the_list_does_not_acknowledge_it():
    journey = given_journey(
        KAP_STANDARD,
        [
            *intake_for(KAP_STANDARD),
            interactions_reviewed(FIRST_DOSE - 2 * MIN),
            reconciled(FIRST_DOSE - MIN, "maoi"),
        ],
    )

    assert flagged(journey)


def test_an_interaction_review_by_someone_other_than_a_prescriber_is_refused():
    journey = journey_with("lamotrigine")
    by_nurse = interactions_reviewed(FIRST_DOSE)
    by_nurse = type(by_nurse)(by_nurse.type, by_nurse.occurred_at, by_nurse.data, "nurse")

    violation = refused(journey, by_nurse)

    assert violation.rule in {"J-12", "J-17"}
    assert "prescriber" in violation.detail
    assert flagged(journey)


# J-07: under Spravato 2027-1 a dose needs a reconciliation within 30 days

RECONCILED_AT = FIRST_DOSE + DAY
"""The test's reconciliation; the intake's own is left out."""


def spravato_reconciled_at(profile=SPRAVATO_REMS, at=RECONCILED_AT, dose_at=None):
    """Intake without its reconciliation, one at ``at``, a fresh baseline and the pre-dose
    check 20 min before ``dose_at``."""
    steps = [s for s in intake_for(profile) if s.type != "MedicationsReconciled"]
    steps.append(reconciled(at, "antidepressant"))
    if dose_at is not None:
        steps.append(phq9([2, 3, 2, 2, 2, 2, 2, 2, 0], dose_at - DAY))
        steps.append(pre_dose_check(1, dose_at))
    return given_journey(profile, steps)


def test_a_spravato_dose_exactly_30_days_after_the_reconciliation_is_accepted():
    dose_at = RECONCILED_AT + 30 * DAY
    journey = spravato_reconciled_at(dose_at=dose_at)

    post(journey, dose(SPRAVATO_REMS, 1, dose_at))

    assert len(journey.facts.doses()) == 1


def test_a_spravato_dose_a_second_past_30_days_is_refused_under_j07():
    dose_at = RECONCILED_AT + 30 * DAY + SEC
    journey = spravato_reconciled_at(dose_at=dose_at)

    violation = refused(journey, dose(SPRAVATO_REMS, 1, dose_at))

    assert violation.rule == "J-07"
    assert "within 30 days" in violation.detail
    assert "record MedicationsReconciled" in violation.detail
    assert "the last was on" in violation.detail


def test_the_status_lists_the_stale_reconciliation_among_the_blockers():
    dose_at = RECONCILED_AT + 30 * DAY + SEC
    journey = spravato_reconciled_at(dose_at=dose_at)

    texts = [b.text for b in status_of(journey, dose_at).blockers if b.rule == "J-07"]

    assert any("MedicationsReconciled" in t for t in texts)


def test_a_new_reconciliation_lets_the_spravato_dose_through():
    dose_at = RECONCILED_AT + 31 * DAY
    journey = spravato_reconciled_at(dose_at=dose_at)
    post(journey, reconciled(dose_at - 5 * MIN))

    post(journey, dose(SPRAVATO_REMS, 1, dose_at))

    assert len(journey.facts.doses()) == 1


def test_a_spravato_dose_with_no_reconciliation_at_all_is_refused_under_j07():
    steps = [s for s in intake_for(SPRAVATO_REMS) if s.type != "MedicationsReconciled"]
    journey = given_journey(SPRAVATO_REMS, [*steps, pre_dose_check(1, FIRST_DOSE)])

    violation = refused(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE))

    assert violation.rule == "J-07"
    assert "MedicationsReconciled" in violation.detail
    assert "the last was on" not in violation.detail


def test_a_reconciliation_at_the_moment_of_the_dose_counts_for_it():
    steps = [s for s in intake_for(SPRAVATO_REMS) if s.type != "MedicationsReconciled"]
    journey = given_journey(SPRAVATO_REMS, [*steps, pre_dose_check(1, FIRST_DOSE)])
    post(journey, reconciled(FIRST_DOSE))

    post(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE))

    assert len(journey.facts.doses()) == 1


def test_a_reconciliation_timed_after_the_dose_does_not_count_for_it():
    steps = [s for s in intake_for(SPRAVATO_REMS) if s.type != "MedicationsReconciled"]
    journey = given_journey(SPRAVATO_REMS, [*steps, pre_dose_check(1, FIRST_DOSE)])
    post(journey, reconciled(FIRST_DOSE + MIN))

    violation = refused(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE))

    assert violation.rule == "J-07"


def test_kap_doses_need_no_reconciliation():
    journey = given_journey(
        KAP_STANDARD, [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE)]
    )

    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE))

    assert journey.facts.medication_lists == []
    assert len(journey.facts.doses()) == 1


def test_under_spravato_2026_11_01_a_dose_needs_no_reconciliation():
    steps = [s for s in intake_for(SPRAVATO_REMS_2026) if s.type != "MedicationsReconciled"]
    journey = given_journey(SPRAVATO_REMS_2026, [*steps, pre_dose_check(1, FIRST_DOSE)])

    post(journey, dose(SPRAVATO_REMS_2026, 1, FIRST_DOSE))

    assert len(journey.facts.doses()) == 1
