"""What a status recorded by older code must still say: the decisions its rules made.

A fixture written by older code records the statuses that code answered. A journey
keeps the rules of the protocol version it was opened under, so today's answer must
make the same decisions: the stage, the session state, the flags, the next step's code,
each blocker's rule and whether it can be overridden, the sessions table, the outcome
scores and the journey's versions and dates. Protocol 2027-1 changed, for every journey,
how those decisions read (the wording of next steps and blockers, what raised each flag
in ``flag_details``) and how response and remission are judged from the scores (issue
10 item 22: a verdict, from follow-up and end-of-series scores only); those are
compared by today's code against itself (a snapshot against its replay), not here.
"""

from __future__ import annotations

from typing import Any

OUTCOME_SCORES = ("baseline", "latest", "band", "change_pct")
SAME_SINCE_2026 = (
    "journey_id",
    "clinic_id",
    "patient_ref",
    "episode",
    "protocol_name",
    "protocol_version",
    "primary_clinician",
    "stage",
    "session_state",
    "flags",
    "sessions_completed",
    "version",
    "opened_at",
    "last_event_at",
)


def decisions(status: dict[str, Any], recorded: dict[str, Any]) -> dict[str, Any]:
    """A status (as plain JSON) reduced to the decisions its rules made, its sessions to
    the columns the ``recorded`` status had (a later column adds, it decides nothing)."""
    columns = {key for row in recorded["sessions"] for key in row}
    return {
        **{key: status[key] for key in SAME_SINCE_2026},
        "sessions": [{k: v for k, v in row.items() if k in columns} for row in status["sessions"]],
        "next_step": status["next_step"]["code"],
        "blockers": [(b["rule"], b["overridable"]) for b in status["blockers"]],
        "outcomes": {
            instrument: {key: summary[key] for key in OUTCOME_SCORES}
            for instrument, summary in status["outcomes"].items()
        },
    }
