"""Which answers and events raise a safety hold (J-12), and how high.

A *moderate* hold is cleared by a prescriber's safety review; a *high* one needs the
review to carry a safety plan and, for suicide risk, a later C-SSRS with items 4 to 6
answered no (``JourneyFacts.active_holds``). Before rule set 2027-1 every hold was what
2027-1 calls moderate, and only C-SSRS items 4 to 6, PHQ-9 item 9 and a serious adverse
event raised one: journeys opened then keep that.
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
    if items[3] or items[4]:
        return Concern("C-SSRS: suicidal intent or plan reported (item 4 or 5)", HIGH)
    if items[5] and behaviour_within_3_months:
        return Concern("C-SSRS: suicidal behaviour within the last 3 months (item 6)", HIGH)
    if items[5]:
        # Lifetime behaviour outside the 3 months: not the high tier, but never unseen.
        return Concern("C-SSRS: suicidal behaviour reported (item 6, not recent)", MODERATE)
    if items[2]:
        return Concern("C-SSRS: thoughts of suicide with method (item 3)", MODERATE)
    return None


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
