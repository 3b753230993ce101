"""Measurement-based care: which scales the protocol wants when (C-13, ``measure_due``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.journey_facts import JourneyFacts


@dataclass(frozen=True)
class DueMeasure:
    instrument: str
    timepoint: str
    text: str


def measures_due(facts: JourneyFacts, now: datetime) -> list[DueMeasure]:
    """The measures the profile's schedule wants now and the record lacks."""
    return []
