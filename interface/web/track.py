"""The stage track: consultation, screening, consent, preparation, sessions 1 to N, plan.

Built from a status alone (so a replay shows it too), sharpened by the milestones the
journey's facts record when they are at hand.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from domain.sessions_view import SessionSummary
from domain.status import JourneyStatus

INTAKE = ("consultation", "screening", "consent", "preparation")
RANK = {
    "opened": 0,
    "consulted": 1,
    "screened": 2,
    "consented": 3,
    "prepared": 4,
    "in_treatment": 4,
    "series_complete": 4,
    "maintenance": 4,
}
"""How many intake steps each stage has behind it."""


@dataclass(frozen=True)
class TrackStep:
    key: str
    label: str
    state: str
    """done, current, upcoming, cancelled, refused (screened ineligible) or skipped."""
    note: str = ""


def _intake_done(status: JourneyStatus, milestones: Collection[str] | None) -> set[str]:
    if milestones is not None:
        return set(milestones) & set(INTAKE)
    if status.sessions:
        return set(INTAKE)
    if status.stage == "ineligible":
        return {"consultation", "screening"}
    return set(INTAKE[: RANK.get(status.stage, 0)])


def _session_step(row: SessionSummary) -> TrackStep:
    key, label = f"session-{row.session}", f"Session {row.session}"
    if row.cancelled:
        return TrackStep(key, label, "cancelled", "cancelled")
    if row.discharged_at is not None:
        note = "integrated" if row.integrated_at is not None else "discharged"
        return TrackStep(key, label, "done", note)
    note = "dosed" if row.administered_at is not None else "checked"
    return TrackStep(key, label, "current", note)


def stage_track(
    status: JourneyStatus, series_length: int, milestones: Collection[str] | None = None
) -> list[TrackStep]:
    """Every step of the journey with its state; at most one is ``current``.

    ``milestones``: which of consultation, screening, consent, preparation and plan the
    facts record (None: judged from the stage).
    """
    done = _intake_done(status, milestones)
    planned = (milestones is not None and "plan" in milestones) or status.stage == "maintenance"
    steps = [
        TrackStep(name, name.capitalize(), "done" if name in done else "upcoming")
        for name in INTAKE
    ]
    if status.stage == "ineligible":
        steps[1] = TrackStep("screening", "Screening", "refused", "ineligible")
    rows = {row.session: row for row in status.sessions}
    count = max([series_length, *rows])
    if (
        planned
        and status.stage == "maintenance"
        and all(_session_step(r).state != "current" for r in rows.values())
    ):
        count += 1  # the next maintenance session
    sessions = [
        _session_step(rows[n])
        if n in rows
        else TrackStep(f"session-{n}", f"Session {n}", "upcoming")
        for n in range(1, count + 1)
    ]
    plan = TrackStep("plan", "Plan", "done" if planned else "upcoming")
    steps += [*sessions[:series_length], plan, *sessions[series_length:]]
    return _with_one_current(steps, status.stage)


def _with_one_current(steps: list[TrackStep], stage: str) -> list[TrackStep]:
    """Past the first open step nothing is current; a halted journey has no current step."""
    halted = stage in {"closed", "ineligible"}
    found = False
    result = []
    for step in steps:
        state = step.state
        if state in {"current", "upcoming"}:
            if halted:
                state = "skipped" if stage == "ineligible" else "upcoming"
            elif not found:
                state, found = "current", True
                if stage == "paused":
                    step = TrackStep(step.key, step.label, state, "paused")
            else:
                state = "upcoming"
        result.append(TrackStep(step.key, step.label, state, step.note))
    return result
