"""Journeys: the use cases clinic systems, staff and auditors call.

The library's Application is the repository and the unit of work; this class adds the
use cases, clinic isolation, idempotent retries and retry-on-conflict around it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import Any, ClassVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    PersistenceError,
    Recording,
    StoredEvent,
)

from application.answers import AppendResult, HistoryEntry, NewEntry, OpenJourney
from application.errors import (
    EntryNotFoundError,
    IdempotencyKeyReusedError,
    JourneyAlreadyOpenError,
    JourneyConflictError,
    JourneyDamagedError,
    JourneyNotFoundError,
    VersionMismatchError,
)
from application.group_commit import GroupCommit
from application.in_memory_log import TOPIC as IN_MEMORY_STORE
from application.journey_ids import MissingIdKeyError, id_key_from_cipher_key
from application.journey_log import JourneyLog
from application.sealed_mapper import SealedMapper
from application.transcodings import JourneyFactsAsDict
from domain.clinic_context import ClinicContext
from domain.entries import Entry, Posting
from domain.errors import EntryOutOfPlaceError
from domain.fold import fold_journey
from domain.identity import journey_id_for, legacy_journey_id
from domain.journey import Journey, command_for
from domain.local_time import clinic_time
from domain.payloads import EntryCorrectedPayload
from domain.protocols import profile_named
from domain.status import JourneyStatus, NextStep, journey_status, stage_and_next_step

SNAPSHOT_EVERY = 25
WRITE_ATTEMPTS = 5

UNREADABLE = (EntryOutOfPlaceError, MapperDeserialisationError, ValueError, KeyError)
"""What loading an altered journey raises: an entry out of place, or stored bytes that
no longer decode (a bad header, a body that no longer decrypts)."""


StoredEntry = Journey.JourneyOpened | Journey.Event
"""A journey's stored entry: its opening, or any entry after it."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def salted(posting: Posting) -> Posting:
    """Give the entry its random salt (the domain reads no random source itself)."""
    return posting if posting.salt else replace(posting, salt=secrets.token_hex(16))


class Journeys(Application[UUID]):
    """Every clinic's journeys, stored as encrypted, append-only events."""

    name = "KAPJourneys"
    env: ClassVar[dict[str, str]] = {"PERSISTENCE_MODULE": IN_MEMORY_STORE}
    """Without a store named in the environment, the library's in-memory one."""
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Journey: SNAPSHOT_EVERY}

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
        id_key: bytes | None = None,
    ) -> None:
        """``id_key`` names new journeys (see ``domain.identity``); by default a subkey
        of the cipher key, so a deployment keeps one secret and its ids never change."""
        self._saved_listeners: list[Callable[[], None]] = []
        super().__init__(env)
        self.group_commit = GroupCommit(self.save)
        self.clock = clock
        self.id_key = id_key if id_key is not None else self._id_key_from_env()

    def _id_key_from_env(self) -> bytes:
        cipher_key = self.env.get("CIPHER_KEY")
        if not cipher_key:
            raise MissingIdKeyError("Journeys need CIPHER_KEY (or an id_key) to name journeys")
        return id_key_from_cipher_key(cipher_key)

    @property
    def journey_log(self) -> JourneyLog:
        """The store's global log, for what the library's recorder API does not answer."""
        recorder = self.recorder
        if not isinstance(recorder, JourneyLog):
            raise TypeError(f"no journey log for {type(recorder).__name__}")
        return recorder

    def log_position(self) -> int:
        """The position of the last event in the store's log (0 when it is empty)."""
        return self.journey_log.log_position()

    def on_saved(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every save (an in-process projector wakes up)."""
        self._saved_listeners.append(listener)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        recordings = super().save(*objs, **kwargs)
        for listener in self._saved_listeners:
            listener()
        return recordings

    def _take_snapshots(self, processing_event: Any) -> None:
        """Snapshot each journey a save took across a multiple of ``SNAPSHOT_EVERY``, as it
        stands in memory after the save, all in one write. The library's own reloads each
        journey from the store at that version and writes each snapshot on its own: for a
        batch import, a third of its time (a journey's state in memory is what it folds to)."""
        if not self.snapshots:
            return
        crossed = {
            e.originator_id
            for e in processing_event.events
            if not e.originator_version % SNAPSHOT_EVERY
        }
        taken = [
            Journey.Snapshot.take(journey)
            for journey_id, journey in processing_event.aggregates.items()
            if journey_id in crossed and isinstance(journey, Journey)
        ]
        if taken:
            # The entries are committed by now: a snapshot that fails to be written must
            # not fail their appends (a caller would decide them again, and store them
            # twice); the journey is folded from more entries until its next snapshot.
            with suppress(PersistenceError):
                self.snapshots.put(taken)

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=SealedMapper
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(JourneyFactsAsDict())

    # Writes.

    def journey_id_for(self, clinic_id: str, patient_ref: str, episode: int) -> UUID:
        """The id this (clinic, patient, episode) has: its old unkeyed id if it was opened
        under that scheme, else its keyed id (whether or not it is open yet)."""
        return self._named(clinic_id, patient_ref, episode)[0]

    def _named(self, clinic_id: str, patient_ref: str, episode: int) -> tuple[UUID, bool]:
        """The journey's id, and whether it is stored (one read per id scheme tried)."""
        keyed = journey_id_for(self.id_key, clinic_id, patient_ref, episode)
        if self._exists(keyed):
            return keyed, True
        legacy = legacy_journey_id(clinic_id, patient_ref, episode)
        if self._exists(legacy):
            return legacy, True
        return keyed, False

    def open_journey(self, clinic_id: str, command: OpenJourney, posting: Posting) -> AppendResult:
        """Open a journey; a retry of the same (clinic, patient, episode) finds the first."""
        journey_id, stored = self._named(clinic_id, command.patient_ref, command.episode)
        clinic = self.clinic_of(clinic_id)
        posting = replace(salted(posting), clinic=clinic)
        if not stored:
            published = clinic.protocols if clinic else {}
            journey = Journey.open(
                journey_id=journey_id,
                clinic_id=clinic_id,
                patient_ref=command.patient_ref,
                episode=command.episode,
                profile=published.get(command.protocol) or profile_named(command.protocol),
                primary_clinician=command.primary_clinician,
                presenting_concerns=list(command.presenting_concerns),
                posting=posting,
            )
            try:
                recordings = self.save(journey)
            except IntegrityError:
                pass  # opened by a concurrent retry: answer as a replay below
            else:
                position = recordings[-1].notification.id
                return self._answer(journey, position, posting.recorded_at, posting.clinic)
        journey = self._journey(clinic_id, journey_id)
        self._check_same_opening(journey, command, posting)
        return self._answer_again(journey, self._event_at(journey_id, 1))

    @staticmethod
    def _check_same_opening(journey: Journey, command: OpenJourney, posting: Posting) -> None:
        """A retried opening must be the same request; otherwise it is a conflict."""
        facts = journey.facts
        first = {
            "protocol": facts.protocol["name"],
            "primary clinician": facts.primary_clinician,
            "presenting concerns": facts.presenting_concerns,
            "occurred_at": facts.opened_at,
        }
        again = {
            "protocol": command.protocol,
            "primary clinician": command.primary_clinician,
            "presenting concerns": list(command.presenting_concerns),
            "occurred_at": posting.occurred_at,
        }
        for name, value in first.items():
            if again[name] != value:
                raise JourneyAlreadyOpenError(journey.id, name)

    def append(
        self,
        clinic_id: str,
        journey_id: UUID,
        entry: NewEntry,
        posting: Posting,
        expected_version: int | None = None,
    ) -> AppendResult:
        """Record one entry if the journey's rules allow it.

        Without ``expected_version`` a write that loses a race is decided again on the
        new state; with it, a stale version is refused.
        """
        posting = replace(salted(posting), clinic=self.clinic_of(clinic_id))
        # One append to a journey at a time here; appends to other journeys that wait
        # at the same moment share its transaction (``application.group_commit``).
        with self.group_commit.serialised(journey_id):
            for _ in range(WRITE_ATTEMPTS):
                journey = self._journey(clinic_id, journey_id)
                key = posting.idempotency_key
                if key and key in journey.facts.idempotency:
                    return self._replay(journey, key, entry, posting)
                if expected_version is not None and expected_version != journey.version:
                    raise VersionMismatchError(expected_version, journey.version)
                self._decide(journey, entry, posting)
                try:
                    recordings = self.group_commit.write(
                        journey.id, journey.collect_events(), journey
                    )
                except IntegrityError:
                    if expected_version is not None:
                        raise VersionMismatchError(expected_version, journey.version) from None
                    continue
                position = recordings[-1].notification.id
                return self._answer(journey, position, posting.recorded_at, posting.clinic)
        raise JourneyConflictError(f"Journey {journey_id} kept changing; retry the request.")

    def _decide(self, journey: Journey, entry: NewEntry, posting: Posting) -> None:
        with clinic_time(self._zone(posting.clinic)):
            self._decide_now(journey, entry, posting)

    def _decide_now(self, journey: Journey, entry: NewEntry, posting: Posting) -> None:
        if entry.type == "EntryCorrected":
            original = self._effective_entry(journey, int(entry.data["corrects_version"]))
            journey.correct_entry(cast(EntryCorrectedPayload, entry.data), original, posting)
            return
        command_for(entry.type)(journey, entry.data, posting)

    # The steps of ``append``, one by one, for a batch of entries saved together
    # (``application.batch_import``): load each journey once, decide many, save once.

    def journey_to_change(self, clinic_id: str, journey_id: UUID) -> Journey:
        """The clinic's journey as stored, to decide entries on and then save (or drop)."""
        return self._journey(clinic_id, journey_id)

    def decide(self, journey: Journey, entry: NewEntry, posting: Posting) -> None:
        """Apply one entry to ``journey`` if its rules allow it; nothing is saved."""
        self._decide(journey, entry, posting)

    def stage_and_next_step(
        self, journey: Journey, now: datetime, clinic: ClinicContext | None
    ) -> tuple[str, NextStep]:
        """What an append answers of ``journey`` as it stands in memory (saved or not),
        judged at ``now`` for its ``clinic`` as read once for the batch."""
        with clinic_time(self._zone(clinic)):
            return stage_and_next_step(journey.facts, now, clinic)

    # Reads.

    def status(
        self,
        clinic_id: str | None,
        journey_id: UUID,
        now: datetime | None = None,
        clinic: ClinicContext | None = None,
    ) -> JourneyStatus:
        """``clinic``: the journey's clinic as the caller already read it (else read here)."""
        journey = self._journey(clinic_id, journey_id)
        return self._status(journey, journey.version, now or self.clock(), clinic)

    def status_at_version(
        self, clinic_id: str | None, journey_id: UUID, version: int, now: datetime
    ) -> JourneyStatus:
        self._journey(clinic_id, journey_id)  # clinic check on the current journey
        journey = self._load(clinic_id, journey_id, version)
        return self._status(journey, journey.version, now)

    def _status(
        self, journey: Journey, version: int, now: datetime, clinic: ClinicContext | None = None
    ) -> JourneyStatus:
        """The status as the journey's clinic reads it: its blockers (J-18) and its time."""
        if clinic is None or clinic.clinic_id != journey.facts.clinic_id:
            clinic = self.clinic_of(journey.facts.clinic_id)
        with clinic_time(self._zone(clinic)):
            return journey_status(journey.id, version, journey.facts, now, clinic)

    def history(self, clinic_id: str | None, journey_id: UUID) -> list[HistoryEntry]:
        self._journey(clinic_id, journey_id)
        positions = self.journey_log.positions_of(journey_id)
        return [self._history_entry(event, positions) for event in self.events.get(journey_id)]

    def entry(self, clinic_id: str | None, journey_id: UUID, version: int) -> Entry:
        """An entry as it stands after every correction so far (for validating a new one)."""
        return self._effective_entry(self._journey(clinic_id, journey_id), version)

    # Helpers.

    clinic_context: Callable[[str], ClinicContext] | None = None
    """The clinic as it stands (``application.clinics``): its directory, certification,
    protocols and time zone. Without one, journeys are decided on their own record alone
    and read in UTC (the domain's tests and tools that run without clinic settings)."""

    def clinic_of(self, clinic_id: str) -> ClinicContext | None:
        return self.clinic_context(clinic_id) if self.clinic_context else None

    @staticmethod
    def _zone(clinic: ClinicContext | None) -> tzinfo:
        return clinic.zone if clinic else UTC

    clinic_fallback: Callable[[UUID], str | None] | None = None
    """Whose journey it is when no opening entry decrypts (the interface gives the
    caseload's memory of it); without one, such a journey is not found by any clinic."""

    def ensure_readable(self, clinic_id: str | None, journey_id: UUID) -> None:
        """Raise JourneyNotFoundError unless the clinic's; JourneyDamagedError if it no
        longer folds."""
        self._journey(clinic_id, journey_id)

    def clinic_of_stored(self, journey_id: UUID) -> str | None:
        """The clinic its opening entry names, wherever that entry is now stored (else the
        fallback's). Reads entry by entry, so one altered entry does not hide the others."""
        for row in self._opening_first(journey_id):
            try:
                event = self.mapper.to_domain_event(row)
            except UNREADABLE:
                continue
            if isinstance(event, Journey.JourneyOpened):
                clinic = event.data.get("clinic_id")
                if isinstance(clinic, str):
                    return clinic
        return self.clinic_fallback(journey_id) if self.clinic_fallback else None

    def _opening_first(self, journey_id: UUID) -> Iterator[StoredEvent]:
        """Version 1, then (only if asked for) the rest: the opening is usually first."""
        yield from self.recorder.select_events(journey_id, lte=1)
        yield from self.recorder.select_events(journey_id, gt=1)

    def _journey(self, clinic_id: str | None, journey_id: UUID) -> Journey:
        journey = self._load(clinic_id, journey_id)
        if clinic_id is not None and journey.facts.clinic_id != clinic_id:
            raise JourneyNotFoundError(journey_id)
        return journey

    def _load(self, clinic_id: str | None, journey_id: UUID, version: int | None = None) -> Journey:
        """The journey folded from its stored entries (up to ``version``).

        An altered journey is damaged to its own clinic (and the operator) and not found
        to any other, as when its clinic cannot be read at all.
        """
        try:
            journey: Journey = self.repository.get(
                journey_id, version=version, projector_func=fold_journey
            )
        except AggregateNotFoundError:
            raise JourneyNotFoundError(journey_id) from None
        except UNREADABLE:
            self._forget(journey_id)  # a kept copy may have folded part of what failed
            if clinic_id is not None and self.clinic_of_stored(journey_id) != clinic_id:
                raise JourneyNotFoundError(journey_id) from None
            raise JourneyDamagedError(journey_id) from None
        return journey

    def _forget(self, journey_id: UUID) -> None:
        """Drop the journey from the aggregate cache, if one is kept."""
        cache = self.repository.cache
        if cache is not None:
            with suppress(KeyError):
                cache.get(journey_id, evict=True)

    def _exists(self, journey_id: UUID) -> bool:
        return any(True for _ in self.events.get(journey_id, limit=1))

    def _event_at(self, journey_id: UUID, version: int) -> StoredEntry:
        """One stored entry, read alone."""
        (event,) = self.events.get(journey_id, gt=version - 1, lte=version)
        assert isinstance(event, Journey.JourneyOpened | Journey.Event)
        return event

    def _effective_entry(self, journey: Journey, version: int) -> Entry:
        """The entry at ``version`` as it stands after every correction so far: its own
        type and times, with the latest correction's data.

        The journey's facts name its corrections, so this reads the entry and (if it was
        corrected) its latest correction: two entries, never the whole stream."""
        if not 1 <= version <= journey.version:
            raise EntryNotFoundError(journey.id, version)
        original = self._event_at(journey.id, version)
        data = dict(original.data)
        latest = max(
            (c["version"] for c in journey.facts.corrections if c["corrects_version"] == version),
            default=None,
        )
        if latest is not None:
            correction = self._event_at(journey.id, latest)
            assert isinstance(correction, Journey.EntryCorrected)
            data = dict(correction.corrected["data"])
        return Entry(
            version, type(original).__name__, original.occurred_at, original.timestamp, data
        )

    def _replay(
        self, journey: Journey, key: str, entry: NewEntry, posting: Posting
    ) -> AppendResult:
        version = journey.facts.idempotency[key]
        first = self._event_at(journey.id, version)
        same = (
            type(first).__name__ == entry.type
            and first.data == entry.data
            and first.occurred_at == posting.occurred_at
        )
        if not same:
            raise IdempotencyKeyReusedError(key, version)
        return self._answer_again(journey, first)

    def _answer(
        self, journey: Journey, position: int, now: datetime, clinic: ClinicContext | None
    ) -> AppendResult:
        """The answer to a write: its stage and next step alone, judged for the clinic the
        entry was decided for (read once per request)."""
        stage, next_step = self.stage_and_next_step(journey, now, clinic)
        return AppendResult(journey.id, journey.version, position, stage, next_step)

    def _answer_again(self, journey: Journey, first: StoredEntry) -> AppendResult:
        """The answer first given for ``first``, rebuilt from the store.

        ``journey`` is the journey as it stands, its clinic already checked; the journey
        as it stood then is loaded only if later entries followed (a retry of the last
        write, the usual case, reads nothing more)."""
        version = first.originator_version
        then = journey
        if version != journey.version:
            then = self._load(journey.facts.clinic_id, journey.id, version)
        position = self.journey_log.positions_of(journey.id)[version]
        status = self._status(then, version, first.timestamp)
        return AppendResult(
            journey.id, version, position, status.stage, status.next_step, replayed=True
        )

    @staticmethod
    def _history_entry(event: Any, positions: dict[int, int]) -> HistoryEntry:
        return HistoryEntry(
            position=positions[event.originator_version],
            version=event.originator_version,
            type=type(event).__name__,
            occurred_at=event.occurred_at,
            recorded_at=event.timestamp,
            recorded_by=dict(event.recorded_by),
            source=event.source,
            idempotency_key=event.idempotency_key,
            data=dict(event.data),
            hash=getattr(event, "hash", None) or None,  # None: recorded before seals
        )
