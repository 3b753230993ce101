"""The Merkle tree's leaves: every entry's chain hash, in the log's order.

Read from the seals in the clear (nothing is decrypted), so a full-store check stays
fast and still works for a patient whose data was erased by destroying their key.
"""

from __future__ import annotations

from collections.abc import Iterator

from application.audit.seal_scan import StoredSealRow, seal_rows
from application.journeys import Journeys

Leaf = StoredSealRow


def leaves(journeys: Journeys, upto: int | None = None, after: int = 0) -> Iterator[Leaf]:
    """Every entry at positions after..upto (default: the whole log), in log order."""
    end = (journeys.recorder.max_notification_id() or 0) if upto is None else upto
    return seal_rows(journeys.recorder, end, after)


def leaf_hashes(journeys: Journeys, upto: int | None = None) -> Iterator[bytes]:
    """The leaves' 32-byte hashes, in log order (what the Merkle tree is built over)."""
    return (leaf.hash for leaf in leaves(journeys, upto))
