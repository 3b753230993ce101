"""The Merkle tree's leaves: every entry's chain hash, in the log's order.

Read from the seals in the clear (nothing is decrypted), so a full-store check stays
fast and still works for a patient whose data was erased by destroying their key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import Notification

from application.journeys import Journeys
from application.sealed_mapper import split_state

PAGE = 5000


@dataclass(frozen=True)
class Leaf:
    position: int
    journey_id: UUID
    version: int
    hash: bytes


def _leaf(notification: Notification) -> Leaf:
    seal, _ = split_state(notification.state)
    # An entry from before sealing has no chain hash: its stored bytes stand in.
    digest = bytes.fromhex(seal.hash) if seal else hashlib.sha256(notification.state).digest()
    return Leaf(
        notification.id,
        UUID(str(notification.originator_id)),
        notification.originator_version,
        digest,
    )


def leaves(journeys: Journeys, upto: int | None = None, after: int = 0) -> Iterator[Leaf]:
    """Every entry at positions after..upto (default: the whole log), in log order."""
    end = (journeys.recorder.max_notification_id() or 0) if upto is None else upto
    start = after + 1
    while start <= end:
        page = journeys.recorder.select_notifications(start, PAGE, stop=end)
        if not page:
            return
        for notification in page:
            yield _leaf(notification)
        start = page[-1].id + 1


def leaf_hashes(journeys: Journeys, upto: int | None = None) -> Iterator[bytes]:
    """The leaves' 32-byte hashes, in log order (what the Merkle tree is built over)."""
    return (leaf.hash for leaf in leaves(journeys, upto))
