"""The whole store checked: every journey's chain, and every journey a checkpoint saw."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID

from application.audit.verify import Anchor, ChainVerifier, Verification
from application.journey_log import each_latest_version
from application.journeys import Journeys


@dataclass(frozen=True)
class StoreVerification:
    ok: bool
    journeys_checked: int
    events_checked: int
    failed: list[Verification] = field(default_factory=list)


def verify_store(journeys: Journeys, anchors: Mapping[UUID, Anchor]) -> StoreVerification:
    """Verify every journey in the log, and every journey a checkpoint recorded (one
    removed whole has no entries left to find it by)."""
    log = journeys.journey_log
    pages = each_latest_version(log, log.log_position())
    present = {journey_id for page in pages for journey_id, _ in page}
    verifier = ChainVerifier(journeys)
    failed, events = [], 0
    for journey_id in sorted(present | set(anchors)):
        result = verifier.verify(journey_id, anchors.get(journey_id))
        events += result.events_checked
        if not result.ok:
            failed.append(result)
    return StoreVerification(not failed, len(present | set(anchors)), events, failed)
