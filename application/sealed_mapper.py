"""Stored events carry their seal in the clear, in front of the encrypted body.

The body (content, salt and a copy of the seal) stays encrypted. The header holds only
the salted digest, the chain hash and ``stored`` (a hash of the row's stored bytes as
written), which reveal nothing of the content; it lets the chains, the stored bytes and
the Merkle tree be checked without decrypting anything, and it is what stays verifiable
when a patient's data is erased by destroying their key.

    state = b"KAPSEAL2" + {"digest":"…","hash":"…","stored":"…"} + b"\\n" + encrypted body

The header is exactly that JSON (keys in that order, no white space, 64 lower-case hex
characters each), so every byte of it is fixed by the three values; ``stored`` is
``domain.audit.stored.stored_hash`` of the topic, digest, hash and body. Entries written
before ``stored`` existed carry ``b"KAPSEAL1" + {"digest","hash"} + b"\\n" + body`` and
keep verifying as they did.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent

from domain.audit.stored import STORED_MAGIC, stored_hash

MAGIC_V1 = b"KAPSEAL1"
MAGIC_V2 = STORED_MAGIC
MAGIC = MAGIC_V2
"""What new entries are written with."""


class MalformedSealError(ValueError):
    """A state that begins with a seal's magic, but whose header is not a seal's."""


@dataclass(frozen=True)
class StoredSeal:
    digest: str
    hash: str
    stored: str | None = None
    """``KAPSEAL2`` only: the hash of the row's stored bytes as written."""


def v2_header(digest: str, chain_hash: str, stored: str) -> bytes:
    """The one byte form of a ``KAPSEAL2`` header's JSON."""
    return f'{{"digest":"{digest}","hash":"{chain_hash}","stored":"{stored}"}}'.encode("ascii")


def _header(state: bytes) -> tuple[bytes, bytes]:
    end = state.find(b"\n", len(MAGIC_V1))
    if end < 0:
        raise MalformedSealError("the seal's header has no end")
    return state[len(MAGIC_V1) : end], state[end + 1 :]


_V2_HEADER = re.compile(
    rb'\{"digest":"([0-9a-f]{64})","hash":"([0-9a-f]{64})","stored":"([0-9a-f]{64})"\}\n'
)
"""``v2_header`` and the newline, matched whole: its one byte form, read in one step."""


def split_state(state: bytes) -> tuple[StoredSeal | None, bytes]:
    """The header's seal (None for a stored state without one) and the body.

    MalformedSealError (a ValueError) for a state that starts with a seal's magic but whose
    header does not read as one (a ``KAPSEAL2`` header in any but its one byte form)."""
    if state.startswith(MAGIC_V2):
        found = _V2_HEADER.match(state, len(MAGIC_V2))
        if found is None:
            raise MalformedSealError("the seal's header is not in its one form")
        digest, chain_hash, stored = (value.decode("ascii") for value in found.groups())
        return StoredSeal(digest, chain_hash, stored), state[found.end() :]
    if state.startswith(MAGIC_V1):
        raw, body = _header(state)
        try:
            header = json.loads(raw)
            return StoredSeal(str(header["digest"]), str(header["hash"])), body
        except (ValueError, KeyError, TypeError):
            raise MalformedSealError("the seal's header does not read") from None
    return None, state


def readable_seal(state: bytes) -> StoredSeal | None:
    """The state's seal in the clear; None without one, or when it no longer reads."""
    try:
        return split_state(state)[0]
    except MalformedSealError:
        return None


def stored_bytes_hold(topic: str, state: bytes) -> bool | None:
    """Whether a ``KAPSEAL2`` row's topic and state are the bytes its seal was written
    over; None for a row that has no ``stored`` to check (``KAPSEAL1``, unsealed)."""
    try:
        seal, body = split_state(state)
    except MalformedSealError:
        return False if state.startswith(MAGIC_V2) else None
    if seal is None or seal.stored is None:
        return None
    return stored_hash(topic, seal.digest, seal.hash, body) == seal.stored


class SealedMapper(Mapper[UUID]):
    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        stored = super().to_stored_event(domain_event)
        seal_hash: Any = getattr(domain_event, "hash", None)
        if not seal_hash:
            return stored  # snapshots, and entries from before the chain
        digest: str = domain_event.digest  # type: ignore[attr-defined]
        written = stored_hash(stored.topic, digest, seal_hash, stored.state)
        return StoredEvent(
            originator_id=stored.originator_id,
            originator_version=stored.originator_version,
            topic=stored.topic,
            state=MAGIC + v2_header(digest, seal_hash, written) + b"\n" + stored.state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        _, body = split_state(stored_event.state)
        return super().to_domain_event(
            StoredEvent(
                originator_id=stored_event.originator_id,
                originator_version=stored_event.originator_version,
                topic=stored_event.topic,
                state=body,
            )
        )

    def stored_state(self, stored_event: StoredEvent) -> dict[str, Any]:
        """The entry's state as stored: decrypted, decompressed and decoded by this
        mapper's own cipher, compressor and transcoder, but never upcast. A seal was made
        over this content, so it is what a verifier recomputes a digest over; an upcaster
        that reshapes the event for today's code leaves it as it is.

        MapperDeserialisationError when the stored bytes do not decode."""
        try:
            _, body = split_state(stored_event.state)
            if self.cipher:
                body = self.cipher.decrypt(body)
            if self.compressor:
                body = self.compressor.decompress(body)
            state: dict[str, Any] = self.transcoder.decode(body)
        except Exception as e:
            raise MapperDeserialisationError(
                f"Failed to decode the stored state of version {stored_event.originator_version}"
            ) from e
        state.pop("class_version", None)
        state.update(
            originator_id=UUID(str(stored_event.originator_id)),
            originator_version=stored_event.originator_version,
        )
        return state
