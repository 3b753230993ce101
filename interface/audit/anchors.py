"""Where a journey stood when a signed checkpoint was taken: what a cut tail or a removed
journey is judged against."""

from __future__ import annotations

from uuid import UUID

from application.audit.checkpoints import JourneyHead
from application.audit.verify import Anchor
from interface.audit.signing import BadSigningKeyError, MissingSigningKeyError
from interface.services import Services


def _anchor(head: JourneyHead) -> Anchor:
    return Anchor(head.version, head.hash, str(head.checkpoint))


def anchor_for(services: Services, clinic_id: str | None, journey_id: UUID) -> Anchor | None:
    """The journey's head at the latest checkpoint that recorded it, if the caller may
    know of it: the operator (``clinic_id`` None) always; a clinic only for a head that
    names that clinic. A head recorded before heads named their clinic counts as the
    clinic's only while the journey's own stored entries say so; once none remain (a
    journey removed whole) such a head is the operator's alone, so another clinic can
    never learn that a journey it does not own existed.
    """
    try:
        heads = services.checkpoints.heads(journey_id)
    except (MissingSigningKeyError, BadSigningKeyError):
        return None  # no checkpoints can exist without the key that signs them
    head = heads.get(journey_id)
    if head is None:
        return None
    if clinic_id is None or head.clinic_id == clinic_id:
        return _anchor(head)
    if head.clinic_id is None and _entries_name(services, clinic_id, journey_id):
        return _anchor(head)
    return None


def _entries_name(services: Services, clinic_id: str, journey_id: UUID) -> bool:
    journeys = services.journeys
    if not journeys.recorder.select_events(journey_id, limit=1):
        return False
    return journeys.clinic_of_stored(journey_id) == clinic_id


def all_anchors(services: Services) -> dict[UUID, Anchor]:
    """Every journey's head at the latest checkpoint that recorded it."""
    try:
        heads = services.checkpoints.heads()
    except (MissingSigningKeyError, BadSigningKeyError):
        return {}
    return {journey_id: _anchor(head) for journey_id, head in heads.items()}
