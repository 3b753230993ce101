"""The patient's medications (J-07): interactions a prescriber reviews, and under Spravato
a reconciliation recent enough before each dose."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.errors import Blocker
from domain.journey_facts import JourneyFacts

MEDICATION_CLASSES = (
    "benzodiazepine",
    "lamotrigine",
    "maoi",
    "stimulant",
    "opioid",
    "other_cns_depressant",
    "antidepressant",
    "other",
)

INTERACTION_NOTES = {
    "benzodiazepine": "Benzodiazepines may blunt the response to ketamine.",
    "lamotrigine": "Lamotrigine may blunt the response to ketamine.",
    "maoi": "MAOIs can raise blood pressure: monitor it closely.",
    "stimulant": "Stimulants can raise blood pressure: monitor it closely.",
    "opioid": "Opioids add to sedation and respiratory depression.",
    "other_cns_depressant": "Other CNS depressants add to sedation.",
}
"""What a prescriber reviews for each class on the list (others carry no note)."""


def interaction_sentences(facts: JourneyFacts) -> list[str]:
    """The interaction notes of the list in force, until a prescriber's safety review
    with ``interactions_reviewed`` acknowledges that list (a new list asks again)."""
    current = facts.medications()
    if current is None:
        return []
    acknowledged = any(
        review["interactions_reviewed"] and review["version"] > current["version"]
        for review in facts.safety_reviews
    )
    if acknowledged:
        return []
    return [INTERACTION_NOTES[c] for c in current["classes"] if c in INTERACTION_NOTES]


def reconciliation_blockers(facts: JourneyFacts, at: datetime) -> list[Blocker]:
    """Under a profile that asks for it (Spravato 2027-1), a dose needs a reconciliation
    within its days before the dose, the last day included: what the patient takes now is
    what the prescriber weighed (an empty list is a reconciliation too)."""
    days = facts.profile.medication_reconciliation_max_age_days
    if days is None:
        return []
    window = timedelta(days=days)
    if any(at - window <= m["at"] <= at for m in facts.medication_lists):
        return []
    earlier = [m["at"] for m in facts.medication_lists if m["at"] <= at]
    last = f" (the last was on {max(earlier):%Y-%m-%d})" if earlier else ""
    return [
        Blocker(
            "J-07",
            f"No medication reconciliation within {days} days before the dose{last}: "
            "record MedicationsReconciled with the patient's current medications.",
        )
    ]
