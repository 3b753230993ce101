"""The Merkle tree's leaves: every entry of the log, in the log's order.

Read from the seals in the clear (nothing is decrypted), so a full-store check stays
fast and still works for a patient whose data was erased by destroying their key. An
entry's place in the tree is ``StoredSealRow.leaf``: its chain hash for a ``KAPSEAL1``
seal, SHA-256(hash || stored) for a ``KAPSEAL2`` one (``domain.audit.stored``).
"""

from __future__ import annotations

from collections.abc import Iterator

from application.audit.seal_scan import StoredSealRow, seal_rows
from application.journeys import Journeys

Leaf = StoredSealRow


def leaves(
    journeys: Journeys, upto: int | None = None, after: int = 0, with_body: bool = False
) -> Iterator[Leaf]:
    """Every entry at positions after..upto (default: the whole log), in log order;
    ``with_body`` reads each whole row and checks its stored bytes against its seal."""
    log = journeys.journey_log
    end = log.log_position() if upto is None else upto
    return seal_rows(log, end, after, with_body)


def leaf_hashes(journeys: Journeys, upto: int | None = None) -> Iterator[bytes]:
    """The entries the Merkle tree is built over (32 bytes each), in log order."""
    return (leaf.leaf for leaf in leaves(journeys, upto))
