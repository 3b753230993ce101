"""Batch import: many entries over many journeys, decided one by one, saved together.

How a clinic migrates its history: each chunk (up to ``MAX_ITEMS``) loads each of its
journeys once, decides its entries in order with the same commands ``Journeys.append``
takes, and saves every changed journey in one ``save`` (one transaction). A refused
entry stops the later entries of its journey only. If another writer changed one of the
journeys meanwhile, the whole chunk is decided again on the new state (bounded), so a
chunk is stored entirely or not at all and its answers say what was stored.

Journeys are opened first (``Journeys.open_journey``, POST /v1/journeys): an entry names
the journey it belongs to by id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.answers import AppendResult, NewEntry
from application.errors import (
    ApplicationError,
    EntryNotFoundError,
    IdempotencyKeyReusedError,
    JourneyConflictError,
)
from application.journeys import WRITE_ATTEMPTS, Journeys, salted
from domain.clinic_context import ClinicContext
from domain.entries import Actor, Entry, Posting
from domain.errors import DomainError
from domain.fold import fold_journey
from domain.journey import Journey
from domain.local_time import clinic_time
from domain.payloads import EntryCorrectedPayload
from domain.status import NextStep

MAX_ITEMS = 1000


class InvalidItemError(ApplicationError):
    """The interface found an item malformed (``cause`` says how); refused alone."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@dataclass(frozen=True)
class ImportItem:
    """One entry to import, or (``invalid``) what made it unreadable."""

    index: int
    journey_id: UUID | None
    entry: NewEntry | None = None
    occurred_at: datetime | None = None
    recorded_by: Actor | None = None
    idempotency_key: str | None = None
    invalid: Exception | None = None


@dataclass(frozen=True)
class ItemResult:
    """One item's answer: recorded (``answer``), refused, or skipped after a refusal."""

    index: int
    answer: AppendResult | None = None
    refusal: Exception | None = None
    skipped_after: int | None = None
    """The index of the refused item of the same journey that stopped this one."""

    @property
    def outcome(self) -> str:
        if self.answer is not None:
            return "replayed" if self.answer.replayed else "created"
        return "refused" if self.refusal is not None else "skipped"


CorrectionCheck = Callable[[Entry, dict[str, Any]], dict[str, Any]]
"""The interface's check of a correction against the entry it corrects (the wire model
of that entry's type): the correction's data in normal form, or InvalidItemError."""

REFUSALS = (ApplicationError, DomainError)


@dataclass
class _Chunk:
    """One attempt at a chunk: its journeys as decided, and each item's answer so far."""

    stopped: dict[UUID, int]
    journeys: dict[UUID, Journey | ApplicationError] = field(default_factory=dict)
    changed: dict[UUID, Journey] = field(default_factory=dict)
    results: dict[int, ItemResult] = field(default_factory=dict)
    decided: dict[int, tuple[UUID, int, str, NextStep]] = field(default_factory=dict)
    keys: dict[tuple[UUID, str], tuple[int, NewEntry, datetime]] = field(default_factory=dict)
    stored: dict[UUID, _StoredJourney] = field(default_factory=dict)
    again: dict[int, int] = field(default_factory=dict)
    """Items repeating a key first used earlier in this chunk: index -> first index."""


@dataclass
class _StoredJourney:
    """A journey's stored entries and their positions, folded as far as asked so far."""

    events: list[Any]
    positions: dict[int, int]
    folded: Journey | None = None

    def as_of(self, version: int) -> Journey:
        """The journey just after ``version`` (folding on from the last one asked)."""
        if self.folded is None or self.folded.version > version:
            self.folded = None
        done = self.folded.version if self.folded is not None else 0
        self.folded = fold_journey(self.folded, self.events[done:version])
        return self.folded


class BatchImport:
    """Import entries into existing journeys of one clinic, chunk by chunk."""

    def __init__(self, journeys: Journeys, check_correction: CorrectionCheck | None = None):
        self.journeys = journeys
        self.check_correction = check_correction

    def import_chunk(
        self,
        clinic_id: str,
        source: str,
        items: Sequence[ImportItem],
        stopped: dict[UUID, int] | None = None,
    ) -> list[ItemResult]:
        """Decide and save ``items`` (at most ``MAX_ITEMS``) in one transaction.

        ``stopped`` names journeys refused earlier (journey -> refused index), for an
        import sent in several chunks; it gains this chunk's refusals once it is stored.
        """
        if len(items) > MAX_ITEMS:
            raise ValueError(f"at most {MAX_ITEMS} items per chunk")
        stopped = {} if stopped is None else stopped
        for _ in range(WRITE_ATTEMPTS):
            chunk = self._decide(clinic_id, source, items, dict(stopped))
            try:
                recordings = self.journeys.save(*chunk.changed.values()) if chunk.changed else []
            except IntegrityError:
                continue  # another writer changed a journey: decide the chunk again
            positions = {
                (r.domain_event.originator_id, r.domain_event.originator_version): (
                    r.notification.id
                )
                for r in recordings
            }
            stopped.update(chunk.stopped)
            return self._answers(items, chunk, positions)
        raise JourneyConflictError("Journeys of this batch kept changing; send it again.")

    def _decide(
        self, clinic_id: str, source: str, items: Sequence[ImportItem], stopped: dict[UUID, int]
    ) -> _Chunk:
        chunk = _Chunk(stopped)
        now = self.journeys.clock()
        clinic = self.journeys.clinic_of(clinic_id)
        for item in items:
            journey_id = item.journey_id
            if journey_id is not None and journey_id in chunk.stopped:
                chunk.results[item.index] = ItemResult(
                    item.index, skipped_after=chunk.stopped[journey_id]
                )
                continue
            try:
                self._decide_item(chunk, clinic_id, item, self._posting(item, now, source, clinic))
            except REFUSALS as refusal:
                chunk.results[item.index] = ItemResult(item.index, refusal=refusal)
                if journey_id is not None and not self._unloadable(chunk, journey_id):
                    chunk.stopped[journey_id] = item.index
        return chunk

    @staticmethod
    def _posting(
        item: ImportItem, now: datetime, source: str, clinic: ClinicContext | None
    ) -> Posting:
        if item.invalid is not None:
            raise InvalidItemError(item.invalid)
        assert item.occurred_at is not None
        assert item.recorded_by is not None
        return salted(
            Posting(
                occurred_at=item.occurred_at.astimezone(UTC),
                recorded_at=now,
                recorded_by=item.recorded_by,
                source=source,
                idempotency_key=item.idempotency_key,
                clinic=clinic,
            )
        )

    @staticmethod
    def _unloadable(chunk: _Chunk, journey_id: UUID) -> bool:
        """A journey not found (or damaged) answers so to each of its items alike."""
        return isinstance(chunk.journeys.get(journey_id), ApplicationError)

    def _journey(self, chunk: _Chunk, clinic_id: str, journey_id: UUID) -> Journey:
        found = chunk.journeys.get(journey_id)
        if found is None:
            try:
                found = self.journeys.journey_to_change(clinic_id, journey_id)
            except ApplicationError as error:
                found = error
            chunk.journeys[journey_id] = found
        if isinstance(found, ApplicationError):
            raise found
        return found

    def _decide_item(
        self, chunk: _Chunk, clinic_id: str, item: ImportItem, posting: Posting
    ) -> None:
        assert item.journey_id is not None
        assert item.entry is not None
        journey = self._journey(chunk, clinic_id, item.journey_id)
        entry, key = item.entry, posting.idempotency_key
        if key is not None and (journey.id, key) in chunk.keys:
            first, first_entry, first_at = chunk.keys[(journey.id, key)]
            same = (first_entry.type, first_entry.data, first_at) == (
                entry.type,
                entry.data,
                posting.occurred_at,
            )
            if not same:
                raise IdempotencyKeyReusedError(key, chunk.decided[first][1])
            chunk.again[item.index] = first
            return
        if key is not None and key in journey.facts.idempotency:
            answer = self._replayed(chunk, journey, key, entry, posting)
            chunk.results[item.index] = ItemResult(item.index, answer=answer)
            return
        if entry.type == "EntryCorrected":
            entry = self._corrected(chunk, journey, entry, posting)
        else:
            self.journeys.decide(journey, entry, posting)
        stage, next_step = self.journeys.stage_and_next_step(
            journey, posting.recorded_at, posting.clinic
        )
        chunk.decided[item.index] = (journey.id, journey.version, stage, next_step)
        chunk.changed[journey.id] = journey
        if key is not None:
            chunk.keys[(journey.id, key)] = (item.index, item.entry, posting.occurred_at)

    def _replayed(
        self, chunk: _Chunk, journey: Journey, key: str, entry: NewEntry, posting: Posting
    ) -> AppendResult:
        """The first answer to a stored entry's key, as ``Journeys.append`` gives it again:
        the journey as it stood then, judged when it was recorded. The journey's stored
        entries and positions are read once per chunk, however many of them repeat."""
        version = journey.facts.idempotency[key]
        stored = chunk.stored.get(journey.id)
        if stored is None:
            stored = _StoredJourney(
                list(self.journeys.events.get(journey.id)),
                self.journeys.journey_log.positions_of(journey.id),
            )
            chunk.stored[journey.id] = stored
        first = stored.events[version - 1]
        same = (type(first).__name__, first.data, first.occurred_at) == (
            entry.type,
            entry.data,
            posting.occurred_at,
        )
        if not same:
            raise IdempotencyKeyReusedError(key, version)
        then = stored.as_of(version)
        stage, next_step = self.journeys.stage_and_next_step(then, first.timestamp, posting.clinic)
        position = stored.positions[version]
        return AppendResult(journey.id, version, position, stage, next_step, replayed=True)

    def _corrected(
        self, chunk: _Chunk, journey: Journey, entry: NewEntry, posting: Posting
    ) -> NewEntry:
        """Decide a correction, whose entry may be stored or decided earlier in the chunk."""
        version = int(entry.data["corrects_version"])
        original = self._effective_entry(journey, version)
        if self.check_correction is not None:
            entry = NewEntry(entry.type, self.check_correction(original, entry.data))
        if not journey.pending_events:
            self.journeys.decide(journey, entry, posting)
            return entry
        with clinic_time(posting.clinic.zone if posting.clinic else UTC):
            journey.correct_entry(cast(EntryCorrectedPayload, entry.data), original, posting)
        return entry

    def _effective_entry(self, journey: Journey, version: int) -> Entry:
        """As ``Journeys.entry`` answers, reading entries of this chunk not yet stored."""
        if not 1 <= version <= journey.version:
            raise EntryNotFoundError(journey.id, version)
        original = self._event_at(journey, version)
        data = dict(original.data)
        latest = max(
            (c["version"] for c in journey.facts.corrections if c["corrects_version"] == version),
            default=None,
        )
        if latest is not None:
            correction = self._event_at(journey, latest)
            assert isinstance(correction, Journey.EntryCorrected)
            data = dict(correction.corrected["data"])
        return Entry(
            version, type(original).__name__, original.occurred_at, original.timestamp, data
        )

    def _event_at(self, journey: Journey, version: int) -> Any:
        for pending in journey.pending_events:
            if pending.originator_version == version:
                return pending
        (event,) = self.journeys.events.get(journey.id, gt=version - 1, lte=version)
        return event

    @staticmethod
    def _answers(
        items: Sequence[ImportItem], chunk: _Chunk, positions: Mapping[tuple[UUID, int], int]
    ) -> list[ItemResult]:
        answers: dict[int, AppendResult] = {}
        for index, (journey_id, version, stage, next_step) in chunk.decided.items():
            position = positions[(journey_id, version)]
            answers[index] = AppendResult(journey_id, version, position, stage, next_step)
            chunk.results[index] = ItemResult(index, answer=answers[index])
        for index, first in chunk.again.items():
            chunk.results[index] = ItemResult(index, answer=replace(answers[first], replayed=True))
        return [chunk.results[item.index] for item in items]
