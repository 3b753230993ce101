"""Who may record what (J-17), from rule set 2027-1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.entries import Actor
from domain.journey_facts import JourneyFacts


def check_role(facts: JourneyFacts, type_name: str, data: Mapping[str, Any], by: Actor) -> None:
    """Refuse an entry its recorder's role may not make (J-17)."""
