"""The Spravato Patient Monitoring Form of one session, as staff and auditors read it."""

from __future__ import annotations

from uuid import UUID

from application.errors import ApplicationError
from application.journeys import Journeys
from domain.rems_form import RemsForm, rems_form


class RemsFormNotFoundError(ApplicationError):
    """The journey has no monitoring form for that session: no such session, a session
    not dosed, or a protocol without the REMS. Not found (404), like a journey of another
    clinic: the form is a resource that exists only for a dosed Spravato session."""

    def __init__(self, journey_id: UUID, number: int, why: str) -> None:
        super().__init__(
            f"Journey {journey_id} has no REMS monitoring form for session {number}: {why}"
        )
        self.journey_id = journey_id
        self.session = number


def session_rems_form(
    journeys: Journeys, clinic_id: str | None, journey_id: UUID, number: int
) -> RemsForm:
    """The form of session ``number``, filled from the journey as it stands now.

    Loads the journey as ``Journeys.status`` does (the clinic's own, else
    JourneyNotFoundError; JourneyDamagedError if its entries no longer fold)."""
    # The loader the status read uses: the same clinic check and the same errors.
    journey = journeys._journey(clinic_id, journey_id)
    facts = journey.facts
    profile = facts.profile
    if not profile.has_rems:
        raise RemsFormNotFoundError(
            journey_id,
            number,
            f"it follows {profile.name} {profile.version}, which is not under the Spravato REMS.",
        )
    session = facts.session(number)
    if session is None:
        raise RemsFormNotFoundError(journey_id, number, "there is no such session.")
    if session["dose"] is None:
        raise RemsFormNotFoundError(
            journey_id, number, "the session was not dosed; the form follows a dose."
        )
    return rems_form(facts, session)
