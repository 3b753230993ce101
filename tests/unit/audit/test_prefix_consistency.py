"""Consistency proofs between any two prefixes of a tree held in memory agree with the
one-pass RFC 6962 proofs of ``domain.audit.merkle``, for every pair of sizes."""

from __future__ import annotations

import hashlib

import pytest

from domain.audit.merkle import consistency_proof, leaf_hash, root, verify_consistency
from domain.audit.prefix_consistency import prefix_consistency
from domain.audit.proof_batch import ProofTree


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(n)]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 9, 16, 33])
def test_every_pair_of_prefixes_has_the_rfc_proof_and_it_verifies(size):
    hashed = leaves(size)
    tree = ProofTree(hashed)
    for new in range(size + 1):
        for old in range(new + 1):
            proof = prefix_consistency(tree, old, new)

            assert proof == consistency_proof(hashed, old, new), (old, new)
            assert verify_consistency(old, new, root(hashed[:old]), root(hashed[:new]), proof)


@pytest.mark.parametrize(("old", "new"), [(-1, 3), (4, 3), (0, 10), (3, 10)])
def test_sizes_outside_the_tree_are_refused(old, new):
    with pytest.raises(ValueError, match="no consistency proof"):
        prefix_consistency(ProofTree(leaves(9)), old, new)
