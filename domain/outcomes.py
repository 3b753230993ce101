"""Outcome summaries per instrument: baseline, latest, band, change, response, remission.

How results are read, not a rule of the protocol, so it applies to every journey
whatever its protocol version:

- the baseline is the latest ``baseline`` measure at or before the first dose (any
  baseline while nothing is dosed), never a measure of another timepoint;
- response and remission are judged only from the latest ``follow_up`` or
  ``end_of_series`` score: a day-after (``post_session``) or ``pre_dose`` PHQ-9 does not
  cover the scale's two-week recall;
- they are judged only where the baseline is high enough to fall from (PHQ-9 and GAD-7:
  at least 10); otherwise they are ``not_applicable``. With no baseline or no
  qualifying score yet they are ``None`` (not measured), never ``no``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from domain.fact_records import MeasureFact
from domain.journey_facts import JourneyFacts
from domain.measurement import baseline_taken

Verdict = Literal["yes", "no", "not_applicable"]
"""A judged outcome; ``None`` where it is not measured yet."""

RESPONSE_DROP_PCT = -50.0
REMISSION_BELOW = {"PHQ-9": 5, "GAD-7": 5}
MIN_BASELINE = {"PHQ-9": 10, "GAD-7": 10}
"""Below this baseline a fall of half, or below remission, says nothing."""
JUDGED_FROM = ("follow_up", "end_of_series")
"""The timepoints whose recall covers the weeks a response is judged over."""
PCL5_MEANINGFUL_CHANGE = 10
INSTRUMENTS = ("PHQ-9", "GAD-7", "PCL-5", "C-SSRS")
SEVERITY_SCALES = ("PHQ-9", "GAD-7", "PCL-5")
"""Scales with a total that falls as the patient gets better (not C-SSRS)."""


@dataclass(frozen=True)
class OutcomeSummary:
    baseline: int | None
    latest: int
    band: str
    change_pct: float | None
    response: Verdict | None
    remission: Verdict | None
    meaningful_change: bool | None = None
    judged_score: int | None = None
    """The follow-up or end-of-series score response and remission were judged from."""
    judged_at: datetime | None = None


def _when(measure: MeasureFact) -> tuple[datetime, int]:
    return measure["at"], measure["version"]


def response_of(instrument: str, baseline: int | None, score: int | None) -> Verdict | None:
    """A fall of half the baseline or more, where the baseline allows judging one."""
    if instrument not in SEVERITY_SCALES:
        return "not_applicable"
    if baseline is None or score is None:
        return None
    if baseline < MIN_BASELINE.get(instrument, 1):
        return "not_applicable"
    return "yes" if (score - baseline) / baseline * 100 <= RESPONSE_DROP_PCT else "no"


def remission_of(instrument: str, baseline: int | None, score: int | None) -> Verdict | None:
    """A score below the instrument's remission line, where the baseline was above it."""
    threshold = REMISSION_BELOW.get(instrument)
    if threshold is None:
        return "not_applicable"
    if baseline is None or score is None:
        return None
    if baseline < MIN_BASELINE[instrument]:
        return "not_applicable"
    return "yes" if score < threshold else "no"


def summarize(facts: JourneyFacts) -> dict[str, OutcomeSummary]:
    summaries = {}
    for instrument in INSTRUMENTS:
        measures = sorted(facts.measures_of(instrument), key=_when)
        if not measures:
            continue
        latest = measures[-1]
        baseline_fact = baseline_taken(facts, instrument)
        baseline = baseline_fact["total"] if baseline_fact is not None else None
        judged = [m for m in measures if m["timepoint"] in JUDGED_FROM]
        score = judged[-1] if judged else None
        total = score["total"] if score is not None else None
        change_pct = None
        if instrument in SEVERITY_SCALES and baseline:
            change_pct = round((latest["total"] - baseline) / baseline * 100, 1)
        meaningful = None
        if instrument == "PCL-5" and baseline is not None and total is not None:
            meaningful = baseline - total >= PCL5_MEANINGFUL_CHANGE
        summaries[instrument] = OutcomeSummary(
            baseline=baseline,
            latest=latest["total"],
            band=latest["band"],
            change_pct=change_pct,
            response=response_of(instrument, baseline, total),
            remission=remission_of(instrument, baseline, total),
            meaningful_change=meaningful,
            judged_score=total,
            judged_at=score["at"] if score is not None else None,
        )
    return summaries
