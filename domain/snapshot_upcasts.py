"""Upcasters of journey snapshots: each reshapes stored ``JourneyFacts`` one version on.

A snapshot is the facts as they stood; when the facts gain keys, an older snapshot gets
them here with the value a replay of that journey's own entries would have given where
that is knowable, and ``None`` ("not kept then") where it is not.
"""

from __future__ import annotations

from typing import Any

from domain.journey_facts import stored_facts


def facts_v1_v2(state: dict[str, Any]) -> None:
    """Protocol 2027-1: weights, boosters, session vitals, discharge findings, hold tiers,
    enrollment, medication lists and the staff seen on the journey."""
    facts = stored_facts(state)
    if facts.get("consultation") is not None:
        facts["consultation"].update(weight_kg=None, suicidal_ideation=None)
    for screening in [*facts["screenings"], facts.get("screening")]:
        if screening is not None:
            screening.setdefault("childbearing_potential", None)
    for session in facts["sessions"].values():
        session.update(boosters=[], vitals=[])
        if session["pre_dose"] is not None:
            session["pre_dose"]["weight_kg"] = None
        if session["dose"] is not None:
            session["dose"].update(booster=False, infusion_minutes=None, lot_number=None)
        if session["discharge"] is not None:
            session["discharge"].update(vitals=None, resolved=dict.fromkeys(_RESOLVED))
    for measure in facts["measures"]:
        measure["behaviour_within_3_months"] = None
    for event in facts["adverse_events"]:
        event.update(onset_at=None, resolved_at=None, reported_to=[])
    for trigger in facts["safety_triggers"]:
        adverse = trigger["reason"].startswith("serious adverse event")
        trigger.update(concern="adverse_event" if adverse else "suicide_risk", level="moderate")
    for review in facts["safety_reviews"]:
        review.update(safety_plan=False, interactions_reviewed=False, by="")
    for plan in facts["plans"]:
        plan["interval_weeks"] = None


def facts_v2_v3(state: dict[str, Any]) -> None:
    """The consultation's diagnoses (issue 11): a snapshot before them held none, as a
    replay of its entries (none of which could carry a diagnosis) gives."""
    stored_facts(state).setdefault("diagnoses", [])


_RESOLVED = ("sedation", "dissociation", "respiratory_depression")
