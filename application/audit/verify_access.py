"""Who may verify a journey, sound, damaged or removed whole: decided here once, for the
API's ``GET /v1/journeys/{id}/verify`` and the auditor's ledger page alike."""

from __future__ import annotations

from uuid import UUID

from application.audit.verify import Anchor
from application.errors import JourneyNotFoundError
from application.journeys import Journeys


def ensure_may_verify(
    journeys: Journeys, clinic_id: str | None, journey_id: UUID, anchor: Anchor | None
) -> None:
    """Raise JourneyNotFoundError unless the caller may verify the journey.

    The operator (``clinic_id`` None) may verify any journey with a stored entry; a
    clinic, a journey whose stored opening names it (read entry by entry, so a journey
    altered until it no longer folds is still its clinic's; if the opening no longer
    decrypts, the journeys' ``clinic_fallback`` answers). A journey removed whole (no
    entry left) may be verified by whoever is given its ``anchor``: its head at a
    checkpoint, which ``anchor`` holds only for the operator and the clinic it names.
    Everyone else is told the journey is not found, as for one that never existed.
    """
    if not journeys.recorder.select_events(journey_id, limit=1):
        if anchor is None:
            raise JourneyNotFoundError(journey_id)
        return
    if clinic_id is not None and journeys.clinic_of_stored(journey_id) != clinic_id:
        raise JourneyNotFoundError(journey_id)
