"""Scores as the chart and its text read them: response and remission as the journey's
status judges them (``domain.outcomes``), and a sentence per instrument."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.outcomes import JUDGED_FROM, remission_of, response_of

INSTRUMENTS = ("PHQ-9", "GAD-7", "PCL-5")


@dataclass(frozen=True)
class Score:
    """One scored measure: when it was taken, its total and band, where in the journey."""

    at: datetime
    total: int
    band: str
    timepoint: str
    session: int | None = None


def mark_of(instrument: str, total: int, baseline: int | None, timepoint: str | None = None) -> str:
    """``remission``, ``response`` or ``""`` for a score against its baseline, as the
    journey's status judges them (``domain.outcomes``): only a follow-up or end-of-series
    score is judged (when ``timepoint`` is given), and only against a baseline high
    enough to fall from."""
    if timepoint is not None and timepoint not in JUDGED_FROM:
        return ""
    if remission_of(instrument, baseline, total) == "yes":
        return "remission"
    if response_of(instrument, baseline, total) == "yes":
        return "response"
    return ""


def describe(series: Mapping[str, Sequence[Score]], baselines: Mapping[str, int | None]) -> str:
    """One sentence per instrument: from the baseline to the latest score."""
    sentences = []
    for instrument in INSTRUMENTS:
        scores = series.get(instrument) or ()
        if not scores:
            continue
        first, last = baselines.get(instrument), scores[-1]
        start = first if first is not None else scores[0].total
        text = f"{instrument} from {start} to {last.total} ({last.band.replace('_', ' ')})"
        if mark := mark_of(instrument, last.total, first, last.timepoint):
            text += f", {mark}"
        sentences.append(f"{text}; {len(scores)} scores.")
    return " ".join(sentences) or "No scores recorded yet."
