"""Consistency proofs between any two prefixes of a tree already held in memory.

An evidence bundle proves each of its checkpoints consistent with the one before it in
the bundle, which need not be the one before it in the store: a proof per pair of sizes.
``domain.audit.merkle.consistency_proof`` reads the log once per proof; the bundle has
already built every level of the whole tree (``ProofTree``, for its inclusion proofs), so
each proof here is O(log n) look-ups into those levels instead of another pass.

The proof is RFC 6962 SUBPROOF, hash for hash (its ranges come from ``merkle``): each
range is a node of the ``new_size`` tree, made of perfect subtrees of decreasing size,
whose hashes the levels hold as they are (a level's lone last node carried up unchanged
is never one of them, since every range ends at or before ``new_size``).
"""

from __future__ import annotations

from domain.audit.merkle import _fold, _subproof_ranges
from domain.audit.proof_batch import ProofTree


def prefix_consistency(tree: ProofTree, old_size: int, new_size: int) -> list[bytes]:
    """The proof that the tree of the first ``old_size`` leaves is a prefix of the tree
    of the first ``new_size``; empty when ``old_size`` is 0 or equal to ``new_size``."""
    if not 0 <= old_size <= new_size <= tree.size:
        raise ValueError(
            f"no consistency proof from {old_size} to {new_size} leaves in a tree of {tree.size}"
        )
    if old_size in (0, new_size):
        return []
    return [_range_hash(tree, start, end) for start, end in _subproof_ranges(old_size, 0, new_size)]


def _range_hash(tree: ProofTree, start: int, end: int) -> bytes:
    """``MTH(D[start:end])`` for a node of a prefix tree: its perfect subtrees, left to
    right and each as large as ``start``'s alignment and what is left allow, folded."""
    hashes = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        hashes.append(tree.levels[level][start >> level])
        start += 1 << level
    return _fold(hashes)
