"""Batch audit paths agree with the one-at-a-time RFC 6962 proofs, for every tree shape."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.audit.merkle import inclusion_proof, leaf_hash, root, verify_inclusion
from domain.audit.proof_batch import ProofTree


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=70), st.data())
def test_every_batch_path_is_the_rfc_path_and_verifies(size, data):
    hashed = leaves(size)
    tree = ProofTree(hashed)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))

    assert tree.root() == root(hashed)
    assert tree.path(index) == inclusion_proof(hashed, index)
    assert verify_inclusion(hashed[index], index, size, tree.path(index), tree.root())


def test_the_empty_tree_has_the_empty_root():
    assert ProofTree([]).root() == hashlib.sha256(b"").digest()
