"""Replay: a journey's status as it stood at a past moment or version, for auditors.

Three views of the past, exactly one per replay:

- ``as_of`` (recording time): what the service knew then. The journey at its last
  version recorded at or before the moment, judged at that moment (time-based flags
  and blockers as they stood then).
- ``version``: the journey just after entry N, judged at the time entry N was recorded.
- ``occurred_as_of`` (clinical time): what we now know happened by then. Only entries
  that occurred at or before the moment are folded, in version order, judged at that
  moment. A correction is an entry like any other: it counts by its own ``occurred_at``,
  and only if the entry it corrects is in the view too. So a back-dated late entry
  shows up here but not in ``as_of``, and a correction made after the moment does not
  rewrite the past in this view.

Each replay folds under the protocol profile stored in the journey's opening event, so
a journey opened under an older protocol version is judged by that version. Its
sentences name moments in the clinic's time zone as it stands now (the zone is how the
reader reads, not a fact of the past), as a live status does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from application.errors import ApplicationError, JourneyNotFoundError
from application.journeys import Journeys
from domain.clinic_context import ClinicContext
from domain.journey import Journey
from domain.local_time import clinic_time
from domain.status import JourneyStatus, journey_status


class InvalidReplayPointError(ApplicationError, ValueError):
    """Not exactly one of as_of, version and occurred_as_of, or a time without an offset."""


class NotYetOpenError(ApplicationError):
    """The moment (or version) asked for is before the journey was opened."""

    def __init__(self, journey_id: UUID, detail: str) -> None:
        super().__init__(f"Journey {journey_id} was not yet open {detail}.")
        self.journey_id = journey_id


class VersionNotRecordedError(ApplicationError):
    """The version asked for is beyond the journey's last one."""

    def __init__(self, journey_id: UUID, version: int, last: int) -> None:
        super().__init__(
            f"Journey {journey_id} has no version {version} (its last version is {last})."
        )
        self.journey_id = journey_id


@dataclass(frozen=True)
class ReplayPoint:
    """Which past to replay: exactly one of the three is given."""

    as_of: datetime | None = None
    version: int | None = None
    occurred_as_of: datetime | None = None

    def __post_init__(self) -> None:
        given = [v for v in (self.as_of, self.version, self.occurred_as_of) if v is not None]
        if len(given) != 1:
            raise InvalidReplayPointError("Give exactly one of as_of, version and occurred_as_of.")
        for moment in (self.as_of, self.occurred_as_of):
            if moment is not None and moment.tzinfo is None:
                raise InvalidReplayPointError("A replay time needs an offset (Z or +hh:mm).")
        if self.version is not None and self.version < 1:
            raise InvalidReplayPointError("Versions start at 1 (the opening).")


@dataclass(frozen=True)
class Replay:
    """The status as it stood, the point asked for, and the moment it was judged at."""

    point: ReplayPoint
    status: JourneyStatus
    """``status.version`` is the last version folded into this view."""
    evaluated_at: datetime
    """The ``now`` time-based flags and blockers were judged at."""
    clinic: ClinicContext | None = None
    """The journey's clinic as it stands (its time zone the sentences were written in);
    None where no clinic settings are consulted."""


def replay(
    journeys: Journeys, clinic_id: str | None, journey_id: UUID, point: ReplayPoint
) -> Replay:
    """The journey's status at ``point``; ``clinic_id`` None is operator access (any clinic)."""
    events = _journey_events(journeys, clinic_id, journey_id)
    opened = events[0]
    if point.version is not None:
        if point.version > len(events):
            raise VersionNotRecordedError(journey_id, point.version, len(events))
        chosen = events[: point.version]
        now = chosen[-1].timestamp
    elif point.as_of is not None:
        now = point.as_of
        if opened.timestamp > now:
            raise NotYetOpenError(journey_id, f"as recorded at {now.isoformat()}")
        last = max(e.originator_version for e in events if e.timestamp <= now)
        chosen = events[:last]
    else:
        assert point.occurred_as_of is not None  # ReplayPoint guarantees one is given
        now = point.occurred_as_of
        if opened.occurred_at > now:
            raise NotYetOpenError(journey_id, f"at {now.isoformat()} (clinical time)")
        chosen = _occurred_by(events, now)
    clinic = journeys.clinic_of(str(opened.data["clinic_id"]))
    with clinic_time(clinic.zone if clinic else UTC):
        status = _status(chosen, now)
    return Replay(point, status, now, clinic)


def _journey_events(
    journeys: Journeys, clinic_id: str | None, journey_id: UUID
) -> list[Journey.Event | Journey.JourneyOpened]:
    """Every event of the journey, oldest first; another clinic's journey is not found,
    and one whose stored entries were altered so they no longer fold is damaged."""
    journeys.ensure_readable(clinic_id, journey_id)
    events: list[Journey.Event | Journey.JourneyOpened] = []
    for event in journeys.events.get(journey_id):
        assert isinstance(event, Journey.JourneyOpened | Journey.Event)
        events.append(event)
    if not events or not isinstance(events[0], Journey.JourneyOpened):
        raise JourneyNotFoundError(journey_id)
    if clinic_id is not None and events[0].data["clinic_id"] != clinic_id:
        raise JourneyNotFoundError(journey_id)
    return events


def _occurred_by(
    events: Sequence[Journey.Event | Journey.JourneyOpened], moment: datetime
) -> list[Journey.Event | Journey.JourneyOpened]:
    """Entries that occurred by ``moment``; a correction only if its target is in view."""
    chosen: list[Journey.Event | Journey.JourneyOpened] = []
    in_view: set[int] = set()
    for event in events:
        if event.occurred_at > moment:
            continue
        corrects = event.data.get("corrects_version")
        if isinstance(event, Journey.EntryCorrected) and corrects not in in_view:
            continue
        in_view.add(event.originator_version)
        chosen.append(event)
    return chosen


def _status(
    events: Sequence[Journey.Event | Journey.JourneyOpened], now: datetime
) -> JourneyStatus:
    """Fold ``events`` (the opening first) and judge the result at ``now``.

    Events are applied directly rather than through the library's ``mutate``, because
    the clinical-time view skips versions and ``mutate`` insists on an unbroken sequence.
    Journey events only assign facts, so the result is the same for a full sequence.
    """
    opening, *rest = events
    assert isinstance(opening, Journey.JourneyOpened)
    journey = opening.mutate(None)
    assert isinstance(journey, Journey)
    for event in rest:
        event.apply(journey)
    version = events[-1].originator_version
    return journey_status(journey.id, version, journey.facts, now)
