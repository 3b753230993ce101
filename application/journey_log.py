"""What the application asks of the store's global log beyond the library's recorder API.

Positions in the log are the library's notification ids. The library returns one when an
event is saved; history, idempotent replays, rebuilds and audits need them again later,
and audits read the seals straight from the stored rows. Each store answers these with
its own queries (``interface.storage.sqlite``, ``interface.storage.postgres``, and
``application.in_memory_log``): an application recorder that is also a ``JourneyLog``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, Protocol, runtime_checkable
from uuid import UUID

from application.sealed_mapper import MAGIC_V1, MAGIC_V2

HEADER_BYTES = 320  # MAGIC + {"digest","hash","stored": 64 hex each} is 236 bytes
SEAL_MAGICS = (MAGIC_V1, MAGIC_V2)
"""A state that begins with one of these (8 bytes each) carries a seal in its header."""


class HeaderRow(NamedTuple):
    """An entry's place, its state's first ``HEADER_BYTES`` bytes, and its whole state
    only when that does not begin with a seal (an entry from before sealing)."""

    position: int
    journey_id: UUID
    version: int
    head: bytes
    unsealed_state: bytes | None


class WholeRow(NamedTuple):
    """An entry's place, topic and whole stored state."""

    position: int
    journey_id: UUID
    version: int
    topic: str
    state: bytes


@runtime_checkable
class JourneyLog(Protocol):
    def log_position(self) -> int:
        """The position of the last event in the log (0 when the log is empty)."""
        ...

    def positions_of(self, journey_id: UUID) -> dict[int, int]:
        """Each version of the journey, with its position in the log."""
        ...

    def latest_versions(
        self, upto: int, after: UUID | None = None, limit: int | None = None
    ) -> list[tuple[UUID, int]]:
        """Each journey with an event at positions 1..upto, with its last version there,
        ordered by journey id (a rebuild loads each journey once, at that version): those
        whose id is above ``after``, the first ``limit`` of them (all, without one).
        ``each_latest_version`` pages through them in flat memory."""
        ...

    def journey_count(self, upto: int) -> int:
        """How many journeys have an event at positions 1..upto."""
        ...

    def header_rows(self, after: int, upto: int) -> Iterator[HeaderRow]:
        """Every entry at positions after+1..upto, in log order, by its header only."""
        ...

    def whole_rows(self, after: int, upto: int) -> Iterator[WholeRow]:
        """Every entry at positions after+1..upto, in log order, whole."""
        ...


LATEST_VERSIONS_PAGE = 2000
"""Journeys per page of ``each_latest_version``: a rebuild's memory does not grow with
the number of journeys in the store."""


def each_latest_version(
    log: JourneyLog, upto: int, page: int = LATEST_VERSIONS_PAGE
) -> Iterator[list[tuple[UUID, int]]]:
    """``latest_versions(upto)`` a page of journeys at a time, by journey id."""
    after: UUID | None = None
    while True:
        found = log.latest_versions(upto, after, page)
        if not found:
            return
        yield found
        if len(found) < page:
            return
        after = found[-1][0]
