"""What the journey page shows, gathered from the use cases the API calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from markupsafe import Markup

from application.answers import HistoryEntry
from domain.fact_records import AdverseEventFact, CorrectionFact, OverrideFact
from domain.fold import LATE_AFTER
from domain.journey_facts import JourneyFacts
from domain.local_time import clinic_time
from domain.status import JourneyStatus
from interface.presentation.local_times import clinic_context
from interface.services import Services
from interface.web.chart import outcome_chart
from interface.web.scores import INSTRUMENTS, Score
from interface.web.track import TrackStep, stage_track


@dataclass(frozen=True)
class TimelineEntry:
    entry: HistoryEntry
    late: bool


@dataclass(frozen=True)
class JourneyView:
    status: JourneyStatus
    track: list[TrackStep]
    chart: Markup
    scores: dict[str, list[Score]]
    adverse_events: list[AdverseEventFact]
    overrides: list[OverrideFact]
    corrections: list[CorrectionFact]
    timeline: list[TimelineEntry]
    series_length: int
    rems_form_sessions: list[int]
    """The dosed sessions whose REMS monitoring form the page links (Spravato only)."""


def milestones(facts: JourneyFacts) -> set[str]:
    """Which fixed steps of the pathway the facts record as done."""
    done = {
        "consultation": facts.consultation is not None,
        "screening": facts.screening is not None,
        "consent": facts.consent_active,
        "preparation": facts.preparation is not None,
        "plan": bool(facts.plans),
    }
    return {name for name, happened in done.items() if happened}


def scores_of(facts: JourneyFacts) -> dict[str, list[Score]]:
    found = {}
    for instrument in INSTRUMENTS:
        measures = sorted(facts.measures_of(instrument), key=lambda m: (m["at"], m["version"]))
        found[instrument] = [
            Score(m["at"], m["total"], m["band"], m["timepoint"], m["session"]) for m in measures
        ]
    return found


def chart_for(status: JourneyStatus, scores: dict[str, list[Score]]) -> Markup:
    baselines = {
        name: summary.baseline for name, summary in status.outcomes.items() if name in scores
    }
    doses = [(s.session, s.administered_at) for s in status.sessions if s.administered_at]
    return outcome_chart(scores, baselines, doses)


def journey_view(services: Services, clinic_id: str, journey_id: UUID) -> JourneyView:
    journeys = services.journeys
    clinic = clinic_context(services, clinic_id)  # read once: the rules and the chart's time
    status = journeys.status(clinic_id, journey_id, clinic=clinic)
    facts: JourneyFacts = journeys.repository.get(journey_id, version=status.version).facts
    history = [h for h in journeys.history(clinic_id, journey_id) if h.version <= status.version]
    scores = scores_of(facts)
    series_length = facts.profile.series_length
    with clinic_time(clinic.zone):
        chart = chart_for(status, scores)
    return JourneyView(
        status=status,
        track=stage_track(status, series_length, milestones(facts)),
        chart=chart,
        scores=scores,
        adverse_events=list(facts.adverse_events),
        overrides=list(facts.overrides),
        corrections=list(facts.corrections),
        timeline=[TimelineEntry(h, h.recorded_at - h.occurred_at > LATE_AFTER) for h in history],
        series_length=series_length,
        rems_form_sessions=[s["session"] for s in facts.ordered_sessions() if s["dose"]]
        if facts.profile.has_rems
        else [],
    )


def data_lines(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """An entry's data as ``(field, value)`` lines, nested fields dotted."""
    lines: list[tuple[str, str]] = []
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            lines += data_lines(value, f"{key}.")
        elif isinstance(value, list):
            lines.append((key, ", ".join(str(v) for v in value)))
        elif isinstance(value, datetime):
            lines.append((key, value.isoformat()))
        else:
            lines.append((key, "" if value is None else str(value)))
    return lines
