"""Verify a journey's stored entries: each sealed as written, chained, none missing.

Names what broke: an entry whose content changed (or whose bytes no longer decrypt), a
missing version, a reordered pair, an unsealed entry, a broken link, and — against the
head a signed checkpoint recorded — a cut tail or a whole journey removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import MapperDeserialisationError, StoredEvent
from eventsourcing.utils import resolve_topic

from application.journeys import Journeys
from application.sealed_mapper import SealedMapper, readable_seal, stored_bytes_hold
from domain.audit.hashing import GENESIS, content_digest, entry_hash
from domain.journey import state_content


class WrongCipherKeyError(Exception):
    """Not one entry of the journey decrypts: the key is not the one it was written with."""


@dataclass(frozen=True)
class Anchor:
    """A journey's head as a signed checkpoint recorded it."""

    version: int
    hash: str
    checkpoint: str


@dataclass(frozen=True)
class ChainProblem:
    version: int | None
    kind: str  # stored_bytes_changed, changed, missing, reordered, unsealed, broken_link,
    # cut_tail, journey_removed
    detail: str


@dataclass(frozen=True)
class Verification:
    journey_id: UUID
    ok: bool
    events_checked: int
    problems: list[ChainProblem] = field(default_factory=list)


@dataclass(frozen=True)
class _Read:
    row: StoredEvent
    event: Any | None  # None: the stored bytes did not decode
    stored: dict[str, Any] | None = None
    """The event's state as stored, before any upcaster: what its seal was made over."""


def _type_of(row: StoredEvent) -> str:
    name = row.topic.rsplit(".", 1)[-1].rsplit(":", 1)[-1]
    try:
        return str(resolve_topic(row.topic).__name__)
    except Exception:
        return name


def _digest_as(stored: dict[str, Any], version: int, type_name: str) -> str:
    """The digest of the content as stored, were it at ``version`` with ``type_name``.

    Over the stored state, not the upcast event: an upcaster reshapes what today's code
    reads, never what was sealed, so old entries keep verifying after a payload change."""
    content = state_content(stored, type_name)
    content.update(version=version, type=type_name)
    return content_digest(stored["salt"], content)


class ChainVerifier:
    def __init__(self, journeys: Journeys) -> None:
        self.journeys = journeys

    def _read(self, journey_id: UUID) -> list[_Read]:
        rows = self.journeys.recorder.select_events(journey_id)
        found = []
        mapper = self.journeys.mapper
        assert isinstance(mapper, SealedMapper)
        for row in rows:
            try:
                found.append(_Read(row, mapper.to_domain_event(row), mapper.stored_state(row)))
            except (MapperDeserialisationError, ValueError, KeyError):
                found.append(_Read(row, None))
        return found

    def verify(self, journey_id: UUID, anchor: Anchor | None = None) -> Verification:
        reads = self._read(journey_id)
        problems: list[ChainProblem] = []
        if not reads:
            if anchor is not None:
                problems.append(
                    ChainProblem(
                        None,
                        "journey_removed",
                        f"Checkpoint {anchor.checkpoint} recorded this journey at version "
                        f"{anchor.version}; none of its entries remain.",
                    )
                )
            return Verification(journey_id, not problems, 0, problems)
        if len(reads) > 1 and all(r.event is None for r in reads):
            raise WrongCipherKeyError(
                f"None of journey {journey_id}'s {len(reads)} entries decrypt: is the cipher "
                "key the one the store was written with?"
            )
        problems += self._gaps(reads)
        problems += self._entries(reads)
        if anchor is not None:
            problems += self._against_anchor(reads, anchor)
        return Verification(journey_id, not problems, len(reads), problems)

    @staticmethod
    def _gaps(reads: Sequence[_Read]) -> list[ChainProblem]:
        present = {r.row.originator_version for r in reads}
        return [
            ChainProblem(
                v,
                "missing",
                f"Version {v} is missing: the versions run to {max(present)} with no entry {v}.",
            )
            for v in range(1, max(present) + 1)
            if v not in present
        ]

    def _entries(self, reads: Sequence[_Read]) -> list[ChainProblem]:
        problems: list[ChainProblem] = []
        by_version = {r.row.originator_version: r for r in reads}
        previous = GENESIS
        judge_link = True  # a link is judged only after an entry found sound
        for read in reads:
            version = read.row.originator_version
            problem = self._entry_problem(read, by_version)
            event = read.event
            if problem is None and event is not None:
                contiguous = version == 1 or version - 1 in by_version
                if judge_link and contiguous and entry_hash(previous, event.digest) != event.hash:
                    problem = ChainProblem(
                        version,
                        "broken_link",
                        f"Version {version} does not chain to the one before.",
                    )
            if problem is not None:
                problems.append(problem)
            header = readable_seal(read.row.state)
            previous = event.hash if event is not None else (header.hash if header else previous)
            judge_link = problem is None
        return problems

    def _entry_problem(self, read: _Read, by_version: dict[int, _Read]) -> ChainProblem | None:
        version = read.row.originator_version
        if stored_bytes_hold(read.row.topic, read.row.state) is False:
            return ChainProblem(
                version,
                "stored_bytes_changed",
                f"Version {version}'s stored bytes (topic, seal or encrypted body) are not "
                "those it was written with: altered.",
            )
        header = readable_seal(read.row.state)
        event = read.event
        if event is None:
            return ChainProblem(
                version, "changed", f"Version {version}'s stored bytes no longer decrypt: altered."
            )
        if not event.hash:
            return ChainProblem(
                version, "unsealed", f"Version {version} was stored before entries were sealed."
            )
        if header is None or (header.digest, header.hash) != (event.digest, event.hash):
            return ChainProblem(
                version, "changed", f"Version {version}'s seal in the clear differs from its entry."
            )
        stored = read.stored
        assert stored is not None  # decoded along with the event
        if _digest_as(stored, version, type(event).__name__) != event.digest:
            return self._changed_or_moved(event, stored, version, by_version)
        return None

    @staticmethod
    def _changed_or_moved(
        event: Any, stored: dict[str, Any], version: int, by_version: dict[int, _Read]
    ) -> ChainProblem:
        """Changed in place, or an entry moved to another version (a swapped pair)."""
        for other, read in by_version.items():
            names = {type(event).__name__, _type_of(read.row)}
            if other != version and any(
                _digest_as(stored, other, name) == event.digest for name in names
            ):
                low, high = sorted((version, other))
                return ChainProblem(
                    version,
                    "reordered",
                    f"Versions {low} and {high} were swapped: version {version} holds the "
                    f"entry of version {other}.",
                )
        return ChainProblem(
            version,
            "changed",
            f"Version {version}'s content no longer matches its digest: changed after recording.",
        )

    @staticmethod
    def _against_anchor(reads: Sequence[_Read], anchor: Anchor) -> list[ChainProblem]:
        last = max(r.row.originator_version for r in reads)
        if last < anchor.version:
            return [
                ChainProblem(
                    last + 1,
                    "cut_tail",
                    f"Checkpoint {anchor.checkpoint} "
                    f"recorded version {anchor.version}; versions {last + 1} to "
                    f"{anchor.version} are gone.",
                )
            ]
        at_anchor = next((r for r in reads if r.row.originator_version == anchor.version), None)
        if at_anchor and at_anchor.event is not None and at_anchor.event.hash != anchor.hash:
            return [
                ChainProblem(
                    anchor.version,
                    "changed",
                    f"Version {anchor.version} differs "
                    f"from what checkpoint {anchor.checkpoint} recorded.",
                )
            ]
        return []
