"""Where a journey stood when a signed checkpoint was taken: what a cut tail or a removed
journey is judged against."""

from __future__ import annotations

from uuid import UUID

from application.audit.verify import Anchor
from interface.audit.checkpoints import JourneyHead, checkpoint_service_for
from interface.audit.signing import BadSigningKey, MissingSigningKey
from interface.services import Services


def _anchor(head: JourneyHead) -> Anchor:
    return Anchor(head.version, head.hash, str(head.checkpoint))


def anchor_for(services: Services, clinic_id: str | None, journey_id: UUID) -> Anchor | None:
    """The journey's head at the latest checkpoint that recorded it, if any.

    ``clinic_id`` is not needed to find it: a head records no clinic, so a journey
    removed whole is reported to whoever names its id (which only its clinic knows).
    """
    try:
        heads = checkpoint_service_for(services).heads(journey_id)
    except (MissingSigningKey, BadSigningKey):
        return None  # no checkpoints can exist without the key that signs them
    head = heads.get(journey_id)
    return None if head is None else _anchor(head)


def all_anchors(services: Services) -> dict[UUID, Anchor]:
    """Every journey's head at the latest checkpoint that recorded it."""
    try:
        heads = checkpoint_service_for(services).heads()
    except (MissingSigningKey, BadSigningKey):
        return {}
    return {journey_id: _anchor(head) for journey_id, head in heads.items()}
