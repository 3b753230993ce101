"""Benchmark 3: deriving a status from facts already in memory (no database).

A journey through intake and six complete dosing sessions is built in memory by the
aggregate's own commands; ``journey_status`` is then timed alone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bench.steps import CLINIC, START, full_series, posting
from bench.timing import per_call
from domain.identity import journey_id_for
from domain.journey import Journey, command_for
from domain.protocols import profile_named
from domain.status import journey_status

SESSIONS = 6
BENCH_ID_KEY = bytes(32)  # no store here: any key names the one journey


def six_session_journey() -> Journey:
    journey = Journey.open(
        journey_id=journey_id_for(BENCH_ID_KEY, CLINIC, "MRN-derive", 1),
        clinic_id=CLINIC,
        patient_ref="MRN-derive",
        episode=1,
        profile=profile_named("kap-standard"),
        primary_clinician="dr-lee",
        presenting_concerns=["depression"],
        posting=posting(START, "coordinator"),
    )
    for s in full_series(SESSIONS):
        command_for(s.type)(journey, s.data, s.posting())
    return journey


def run(min_seconds: float) -> dict[str, Any]:
    journey = six_session_journey()
    now = START + timedelta(days=40)
    status = journey_status(journey.id, journey.version, journey.facts, now)
    assert status.sessions_completed == SESSIONS, status
    seconds = per_call(
        lambda: journey_status(journey.id, journey.version, journey.facts, now),
        min_seconds=min_seconds,
    )
    return {
        "sessions": SESSIONS,
        "events": journey.version,
        "stage": status.stage,
        "us_per_call": seconds * 1e6,
    }
