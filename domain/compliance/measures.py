"""C-06: a baseline PHQ-9 before the first dose, and an end-of-series PHQ-9 after the series.

The end-of-series measure is due ``END_OF_SERIES_DUE_DAYS`` after the discharge of the
last session of the induction series (the ``series_length``-th dose; its dose time if it
was never discharged). The profiles set no such deadline, so this is the audit's own:
two weeks leaves room for a follow-up visit after the last integration session. Only a
PHQ-9 counts at either end, because response and remission are read from PHQ-9.
"""

from __future__ import annotations

from datetime import timedelta

from domain.compliance.deadlines import duty_finding
from domain.compliance.evidence import dosed_sessions, involved, span
from domain.compliance.finding import Finding
from domain.entries import stamp
from domain.fact_records import DoseFact
from domain.journey_facts import JourneyFacts

INSTRUMENT = "PHQ-9"
END_OF_SERIES_DUE_DAYS = 14


def _baseline(facts: JourneyFacts, first: DoseFact, n: int) -> Finding | None:
    window = timedelta(days=facts.profile.baseline_phq9_max_age_days)
    baselines = [
        m
        for m in facts.measures_of(INSTRUMENT)
        if m["timepoint"] == "baseline" and m["at"] <= first["at"]
    ]
    latest = max(baselines, key=lambda m: (m["at"], m["version"]), default=None)
    dosed = f"The first dose (session {n}, version {first['version']}, {stamp(first['at'])})"
    if latest is None:
        return Finding(
            "C-06",
            "baseline",
            involved(facts, first["version"]),
            f"{dosed} has no baseline {INSTRUMENT} at or before it.",
            at=first["at"],
        )
    age = first["at"] - latest["at"]
    if age <= window:
        return None
    return Finding(
        "C-06",
        "baseline",
        involved(facts, first["version"], as_corrected=(latest["version"],)),
        f"{dosed} has only a baseline {INSTRUMENT} taken {span(age)} before it "
        f"(version {latest['version']}); {facts.profile.name} allows at most "
        f"{window.days} days.",
        at=first["at"],
    )


def _end_of_series(facts: JourneyFacts) -> Finding | None:
    length = facts.profile.series_length
    dosed = dosed_sessions(facts)
    if len(dosed) < length:
        return None  # the series is not over: nothing is due yet
    last_session, last_dose = dosed[length - 1]
    ended = last_session["discharge"] or last_dose
    after_series = [
        m
        for m in facts.measures_of(INSTRUMENT)
        if m["timepoint"] == "end_of_series" and m["at"] >= last_dose["at"]
    ]
    first = min(after_series, key=lambda m: (m["at"], m["version"]), default=None)
    return duty_finding(
        facts,
        "C-06",
        "end-of-series",
        duty=(
            f"The end-of-series {INSTRUMENT} after the {length}-session series (last series "
            f"dose in session {last_session['session']}; due within "
            f"{END_OF_SERIES_DUE_DAYS} days)"
        ),
        after=ended,
        due_at=ended["at"] + timedelta(days=END_OF_SERIES_DUE_DAYS),
        done=first,
    )


def measure_findings(facts: JourneyFacts) -> list[Finding]:
    dosed = dosed_sessions(facts)
    if not dosed:
        return []
    session, first = min(dosed, key=lambda sd: (sd[1]["at"], sd[1]["version"]))
    found = [_baseline(facts, first, session["session"]), _end_of_series(facts)]
    return [f for f in found if f is not None]
