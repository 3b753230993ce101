"""Stored events carry their seal in the clear, in front of the encrypted body.

The body (content, salt and a copy of the seal) stays encrypted. The header holds only
the salted digest and the chain hash, which reveal nothing of the content; it lets the
chains and the Merkle tree be checked without decrypting anything, and it is what stays
verifiable when a patient's data is erased by destroying their key.

    state = b"KAPSEAL1" + JSON header + b"\\n" + encrypted body
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent

MAGIC = b"KAPSEAL1"


@dataclass(frozen=True)
class StoredSeal:
    digest: str
    hash: str


def split_state(state: bytes) -> tuple[StoredSeal | None, bytes]:
    """The header's seal (None for a stored state without one) and the body."""
    if not state.startswith(MAGIC):
        return None, state
    end = state.index(b"\n", len(MAGIC))
    header = json.loads(state[len(MAGIC) : end])
    return StoredSeal(str(header["digest"]), str(header["hash"])), state[end + 1 :]


class SealedMapper(Mapper[UUID]):
    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        stored = super().to_stored_event(domain_event)
        seal_hash: Any = getattr(domain_event, "hash", None)
        if not seal_hash:
            return stored  # snapshots, and entries from before the chain
        header = json.dumps(
            {"digest": domain_event.digest, "hash": seal_hash},  # type: ignore[attr-defined]
            separators=(",", ":"),
        ).encode()
        return StoredEvent(
            originator_id=stored.originator_id,
            originator_version=stored.originator_version,
            topic=stored.topic,
            state=MAGIC + header + b"\n" + stored.state,
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
