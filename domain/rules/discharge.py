"""Observation and discharge under 2027-1 (J-10): what the session still needs before the
patient may go home, and what staff read while they watch."""

from __future__ import annotations

from datetime import datetime

from domain.fact_records import SessionFact
from domain.journey_facts import JourneyFacts


def observation_step(
    facts: JourneyFacts, session: SessionFact, now: datetime
) -> tuple[str, str] | None:
    """The next step while a dosed session is observed (code, text), or None for the
    default "discharge after N min"."""
    return None
