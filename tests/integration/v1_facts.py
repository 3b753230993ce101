"""What a journey snapshot stored at ``Journey`` version 1 can know of today's facts.

Version 2 (protocol 2027-1) keeps facts version 1 never kept. ``facts_v1_v2`` fills
those with "not kept then" (None, empty, ""), where a replay of the same entries reads
the value from them; everything else it must give exactly as the replay does.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from domain.journey_facts import JourneyFacts

NOT_KEPT_AT_V1 = {
    ("facts", "staff_seen"),
    ("consultation", "weight_kg"),
    ("consultation", "suicidal_ideation"),
    ("session", "vitals"),
    ("dose", "lot_number"),
    ("discharge", "vitals"),
    ("review", "by"),
    ("plan", "interval_weeks"),
}
UNKNOWN = "(not kept at version 1)"


def known_at_v1(facts: JourneyFacts) -> dict[str, Any]:
    """The facts as plain data, each value version 1 did not keep replaced by a marker
    (every one of those keys must be there: the upcaster forgets none)."""
    plain: dict[str, Any] = json.loads(json.dumps(asdict(facts), default=str))

    def mask(record: dict[str, Any] | None, kind: str) -> None:
        for what, key in NOT_KEPT_AT_V1:
            if record is not None and what == kind:
                assert key in record, f"{kind} lacks {key!r}"
                record[key] = UNKNOWN

    mask(plain, "facts")
    mask(plain["consultation"], "consultation")
    for session in plain["sessions"].values():
        mask(session, "session")
        mask(session["dose"], "dose")
        mask(session["discharge"], "discharge")
    for review in plain["safety_reviews"]:
        mask(review, "review")
    for plan in plain["plans"]:
        mask(plan, "plan")
    return plain
