"""An entry: one event's content as the fold and the rules see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.clinic_context import ClinicContext
from domain.local_time import stamp as local_stamp


@dataclass(frozen=True)
class Actor:
    """Who recorded an entry: ``recorded_by`` of the wire contract."""

    id: str
    role: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "role": self.role}


@dataclass(frozen=True)
class Entry:
    """What the fold needs of an event: its type, times and data."""

    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    data: Mapping[str, Any]
    applied_in: int = 0
    """The version of the event applying it: its own, or the correction's."""
    recorded_by: str = ""
    """Who recorded it, as "id (role)"."""
    by: Actor | None = None
    """Who recorded it, as the actor (None for a corrected entry re-applied)."""

    def __post_init__(self) -> None:
        if not self.applied_in:
            object.__setattr__(self, "applied_in", self.version)


@dataclass(frozen=True)
class Posting:
    """How an entry arrived: who, from which system, when, and with which retry key."""

    occurred_at: datetime
    recorded_at: datetime
    recorded_by: Actor
    source: str
    idempotency_key: str | None = None
    salt: str = ""
    """Random per entry (chosen by the application: the domain reads no random source)."""
    clinic: ClinicContext | None = None
    """The clinic as it stands when the entry arrives (directory, REMS certification);
    None where no clinic settings are consulted (the journey's own rules alone)."""


def parse_time(value: object) -> datetime:
    """Read a wire time (ISO 8601 with offset) or a datetime, as UTC."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"time without an offset: {value!r}")
    return moment.astimezone(UTC)


def stamp(moment: datetime) -> str:
    """A moment as staff and auditors read it in a refusal or finding: in the clinic's
    time zone while one is set (``domain.local_time``), else UTC."""
    return local_stamp(moment)
