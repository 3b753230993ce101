"""Outcome summaries per instrument: baseline, latest, band, change, response, remission."""

from __future__ import annotations

from dataclasses import dataclass

from domain.journey_facts import JourneyFacts

RESPONSE_DROP_PCT = -50.0
REMISSION_BELOW = {"PHQ-9": 5, "GAD-7": 5}
PCL5_MEANINGFUL_CHANGE = 10


@dataclass(frozen=True)
class OutcomeSummary:
    baseline: int | None
    latest: int
    band: str
    change_pct: float | None
    response: bool | None
    remission: bool | None
    meaningful_change: bool | None = None


def summarize(facts: JourneyFacts) -> dict[str, OutcomeSummary]:
    summaries = {}
    for instrument in ("PHQ-9", "GAD-7", "PCL-5", "C-SSRS"):
        measures = sorted(facts.measures_of(instrument), key=lambda m: (m["at"], m["version"]))
        if not measures:
            continue
        baseline_fact = facts.baseline(instrument) or measures[0]
        latest = measures[-1]
        baseline = baseline_fact["total"]
        change_pct = None
        if instrument != "C-SSRS" and baseline > 0:
            change_pct = round((latest["total"] - baseline) / baseline * 100, 1)
        threshold = REMISSION_BELOW.get(instrument)
        summaries[instrument] = OutcomeSummary(
            baseline=baseline,
            latest=latest["total"],
            band=latest["band"],
            change_pct=change_pct,
            response=None if change_pct is None else change_pct <= RESPONSE_DROP_PCT,
            remission=None if threshold is None else latest["total"] < threshold,
            meaningful_change=(
                baseline - latest["total"] >= PCL5_MEANINGFUL_CHANGE
                if instrument == "PCL-5"
                else None
            ),
        )
    return summaries
