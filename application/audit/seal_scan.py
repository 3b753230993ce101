"""Read the seals in the clear straight from the stored rows, in log order, page by page
(nothing decrypted; the store's queries are its ``JourneyLog``).

Two reads: ``with_body`` (what ``audit verify`` runs) reads each row's topic and whole
state once, and checks a ``KAPSEAL2`` seal's ``stored`` against the bytes; without it
(what signing and checking checkpoints needs) only each state's header bytes are read.
"""

from __future__ import annotations

import hashlib
from binascii import a2b_hex
from collections.abc import Iterator
from typing import NamedTuple
from uuid import UUID

from application.journey_log import JourneyLog
from application.sealed_mapper import MalformedSealError, split_state
from domain.audit.seal_header import BODY_AT, v2_fields
from domain.audit.stored import merkle_entry, stored_digest, stored_hash


class StoredSealRow(NamedTuple):
    """One entry's seal as stored (a tuple: a full-store check makes one per entry)."""

    position: int
    journey_id: UUID
    version: int
    digest: str | None
    hash: bytes
    """The chain hash; for an entry from before sealing, SHA-256 of its stored bytes."""
    stored: bytes | None = None
    """A ``KAPSEAL2`` seal's hash of the stored bytes, as its header claims."""
    intact: bool | None = None
    """Read with the body: whether the row's bytes are those ``stored`` was written over
    (False also for a header that no longer reads); None when there is nothing to check."""

    @property
    def leaf(self) -> bytes:
        """This entry as the Merkle tree holds it (``domain.audit.stored.merkle_entry``)."""
        return merkle_entry(self.hash, self.stored)


def _unsealed(position: int, journey_id: UUID, version: int, state: bytes) -> StoredSealRow:
    return StoredSealRow(position, journey_id, version, None, hashlib.sha256(state).digest())


def _row(
    position: int, journey_id: UUID, version: int, head: bytes, full: bytes | None
) -> StoredSealRow:
    """From the header bytes (``full``: the whole state of a row without a seal)."""
    try:
        seal, _ = split_state(head) if b"\n" in head else (None, head)
    except MalformedSealError:
        seal = None
    if seal is None:
        return _unsealed(position, journey_id, version, full if full is not None else head)
    stored = bytes.fromhex(seal.stored) if seal.stored is not None else None
    return StoredSealRow(
        position, journey_id, version, seal.digest, bytes.fromhex(seal.hash), stored
    )


def _checked_row(
    position: int, journey_id: UUID, version: int, topic: str, state: bytes
) -> StoredSealRow:
    """From the whole row, its stored bytes checked against its seal: a ``KAPSEAL2``
    header read at its fixed offsets (``domain.audit.seal_header``), any other by
    ``split_state``."""
    fields = v2_fields(state)
    if fields is not None:
        stored = a2b_hex(fields.stored)
        return StoredSealRow(
            position,
            journey_id,
            version,
            fields.digest.decode("ascii"),
            a2b_hex(fields.hash),
            stored,
            stored_digest(topic, fields.digest, fields.hash, memoryview(state)[BODY_AT:]) == stored,
        )
    try:
        seal, body = split_state(state)
    except MalformedSealError:
        return StoredSealRow(
            position, journey_id, version, None, hashlib.sha256(state).digest(), intact=False
        )
    if seal is None:
        return _unsealed(position, journey_id, version, state)
    if seal.stored is None:
        return StoredSealRow(position, journey_id, version, seal.digest, bytes.fromhex(seal.hash))
    intact = stored_hash(topic, seal.digest, seal.hash, body) == seal.stored
    return StoredSealRow(
        position,
        journey_id,
        version,
        seal.digest,
        bytes.fromhex(seal.hash),
        bytes.fromhex(seal.stored),
        intact,
    )


def seal_rows(
    log: JourneyLog, upto: int, after: int = 0, with_body: bool = False
) -> Iterator[StoredSealRow]:
    """Every entry at positions after..upto, in log order."""
    if with_body:
        for row in log.whole_rows(after, upto):
            yield _checked_row(*row)
    else:
        for head in log.header_rows(after, upto):
            yield _row(head.position, head.journey_id, head.version, head.head, head.unsealed_state)
