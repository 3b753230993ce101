"""Where a journey stood when a signed checkpoint was taken: what a cut tail or a removed
journey is judged against."""

from __future__ import annotations

from uuid import UUID

from application.audit.verify import Anchor
from interface.services import Services


def anchor_for(services: Services, clinic_id: str | None, journey_id: UUID) -> Anchor | None:
    """The journey's head at the latest checkpoint that recorded it (none yet)."""
    return None


def all_anchors(services: Services) -> dict[UUID, Anchor]:
    """Every journey's head at the latest checkpoint that recorded it."""
    return {}
