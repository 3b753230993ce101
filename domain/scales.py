"""Rating scales scored by the service (rule J-14); a client's total is never trusted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import RuleViolationError


@dataclass(frozen=True)
class Scale:
    name: str
    item_count: int
    max_answer: int
    bands: tuple[tuple[int, str], ...]  # (lowest total of the band, band name), ascending


SCALES = {
    "PHQ-9": Scale(
        "PHQ-9",
        9,
        3,
        ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "moderately_severe"), (20, "severe")),
    ),
    "GAD-7": Scale("GAD-7", 7, 3, ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"))),
    "PCL-5": Scale("PCL-5", 20, 4, ((0, "below_threshold"), (33, "probable_ptsd"))),
    "C-SSRS": Scale("C-SSRS", 6, 1, ((0, "negative"), (1, "positive"))),
}


@dataclass(frozen=True)
class ScaleScore:
    instrument: str
    total: int
    band: str


def score(instrument: str, items: Sequence[int]) -> ScaleScore:
    """Score the answers, refusing a wrong item count or an answer out of range (J-14)."""
    scale = SCALES.get(instrument)
    if scale is None:
        known = ", ".join(SCALES)
        raise RuleViolationError("J-14", f"Unknown instrument {instrument!r}: use one of {known}.")
    if len(items) != scale.item_count:
        raise RuleViolationError(
            "J-14",
            f"{instrument} needs exactly {scale.item_count} answers; {len(items)} were given.",
        )
    for number, answer in enumerate(items, start=1):
        if not isinstance(answer, int) or isinstance(answer, bool):
            raise RuleViolationError("J-14", f"{instrument} item {number} must be a whole number.")
        if not 0 <= answer <= scale.max_answer:
            raise RuleViolationError(
                "J-14",
                f"{instrument} item {number} is {answer}: "
                f"answers run from 0 to {scale.max_answer}.",
            )
    total = sum(items)
    if instrument == "C-SSRS":
        total = 1 if any(items) else 0
    band = next(name for lowest, name in reversed(scale.bands) if total >= lowest)
    return ScaleScore(instrument, total, band)
