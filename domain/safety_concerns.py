"""Which answers and events raise a safety hold (J-12), and how high.

A *moderate* hold is cleared by a prescriber's safety review; a *high* one needs the
review to carry a safety plan and, for suicide risk, a later C-SSRS with items 4 to 6
answered no (``JourneyFacts.still_needed``). Before rule set 2027-1 every hold was what
2027-1 calls moderate, and only C-SSRS items 4 to 6, PHQ-9 item 9 and a serious adverse
event raised one: journeys opened then keep that, and their wording.

The blockers and the next step word each hold here, from what it still needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.protocol_profile import ProtocolProfile

MODERATE = "moderate"
HIGH = "high"


@dataclass(frozen=True)
class Concern:
    reason: str
    level: str
    concern: str = "suicide_risk"


def safety_concern(
    instrument: str,
    items: Sequence[int],
    profile: ProtocolProfile,
    behaviour_within_3_months: bool = False,
) -> Concern | None:
    """The hold these answers raise, or None (items are already checked by J-14)."""
    if instrument == "PHQ-9" and items[8] > 0:
        return Concern(f"PHQ-9 item 9 (thoughts of self-harm) answered {items[8]}", MODERATE)
    if instrument != "C-SSRS":
        return None
    if not profile.enforces("2027-1"):
        if items[3] or items[4]:
            return Concern("C-SSRS: suicidal intent or plan reported (item 4 or 5)", MODERATE)
        if items[5]:
            return Concern("C-SSRS: recent suicidal behaviour reported (item 6)", MODERATE)
        return None
    found = _cssrs_findings(items, behaviour_within_3_months)
    if not found:
        return None
    level = HIGH if any(level == HIGH for _, level in found) else MODERATE
    return Concern("C-SSRS: " + "; ".join(text for text, _ in found), level)


def _cssrs_findings(items: Sequence[int], recent_behaviour: bool) -> list[tuple[str, str]]:
    """Every positive answer from item 3 up, each with its tier, so the hold's reason
    names all of them (a high tier must not hide a moderate finding, nor the reverse)."""
    found = []
    if items[3] or items[4]:
        found.append(("suicidal intent or plan reported (item 4 or 5)", HIGH))
    if items[5] and recent_behaviour:
        found.append(("suicidal behaviour within the last 3 months (item 6)", HIGH))
    elif items[5]:
        # Lifetime behaviour outside the 3 months: not the high tier, but never unseen.
        found.append(("suicidal behaviour reported (item 6, not within 3 months)", MODERATE))
    if items[2]:
        found.append(("thoughts of suicide with a method (item 3)", MODERATE))
    return found


def adverse_event_concern(data: Mapping[str, Any], profile: ProtocolProfile) -> Concern | None:
    """A serious adverse event holds dosing; from 2027-1 a severe one too, at high."""
    severity, kind = data["severity"], data["kind"]
    if not profile.enforces("2027-1"):
        if severity == "serious":
            return Concern(f"serious adverse event ({kind})", MODERATE, "adverse_event")
        return None
    if severity in ("severe", "serious"):
        return Concern(f"{severity} adverse event ({kind})", HIGH, "adverse_event")
    return None


_INSTRUCTIONS = {
    ("review",): "a prescriber must record SafetyReviewCompleted with cleared true",
    ("review_with_safety_plan", "negative_cssrs"): (
        "a prescriber must record SafetyReviewCompleted with cleared true and safety_plan "
        "true, and a C-SSRS recorded after the hold was raised must answer items 4 and 5 "
        "no and item 6 no or not within 3 months (OutcomeMeasureRecorded C-SSRS)"
    ),
    ("review_with_safety_plan",): (
        "a prescriber must record SafetyReviewCompleted with cleared true and safety_plan true"
    ),
    ("negative_cssrs",): (
        "the prescriber's review with a safety plan is on record; still needed: a C-SSRS "
        "recorded after the hold was raised with items 4 and 5 answered no and item 6 no or "
        "not within 3 months (OutcomeMeasureRecorded C-SSRS)"
    ),
}
_SUMMARIES = {
    ("review_with_safety_plan", "negative_cssrs"): (
        "high risk: needs a review with a safety plan and a later C-SSRS with items 4 to 6 no"
    ),
    ("review_with_safety_plan",): "high risk: needs a review with a safety plan",
    ("negative_cssrs",): (
        "high risk: its review with a safety plan is on record; a later C-SSRS with items "
        "4 to 6 no is still needed"
    ),
}


def hold_blocker_text(reason: str, needed: Sequence[str]) -> str:
    """A J-12 blocker: the hold, its tier, and what still clears it. A moderate hold
    reads as every hold read before 2027-1."""
    tier = "Safety hold" if tuple(needed) == ("review",) else "High-risk safety hold"
    return f"{tier} ({reason}): {_INSTRUCTIONS[tuple(needed)]}."


def hold_summary(reason: str, needed: Sequence[str]) -> str:
    """The hold as the next step names it: the reason, and for a high hold what is left."""
    left = _SUMMARIES.get(tuple(needed))
    return f"{reason} ({left})" if left else reason
