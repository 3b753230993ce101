"""The edges of the audit proofs: indexes just outside a tree, roots and leaves that are
not hashes, forged proofs, the empty checkpoint, and the refusals' exact words.

A verifier that accepts one forged proof is worthless, so each guard gets a case that
only it stops."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from domain.audit.checkpoint_format import checkpoint_message
from domain.audit.merkle import (
    EMPTY_ROOT,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    root_from_inclusion_proof,
    verify_consistency,
)
from domain.audit.proof_batch import ProofTree
from domain.audit.stored import stored_hash


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(n)]


def unread_log() -> Iterator[bytes]:
    """A log that fails the test if anything reads it."""
    raise AssertionError("the log was read")
    yield b""  # pragma: no cover


# Inclusion proofs: which leaf indexes are in a tree.


def test_the_index_one_past_the_last_leaf_has_no_batch_path():
    tree = ProofTree(leaves(4))

    with pytest.raises(ValueError, match=r"^leaf 4 is not in a tree of 4 leaves$"):
        tree.path(4)


def test_the_last_leaf_has_a_batch_path():
    tree = ProofTree(leaves(4))

    assert tree.path(3) == inclusion_proof(leaves(4), 3)


def test_paths_gives_every_asked_leaf_its_rfc_path():
    hashed = leaves(7)

    paths = ProofTree(hashed).paths([0, 3, 6])

    assert paths == {i: inclusion_proof(hashed, i) for i in (0, 3, 6)}


def test_a_negative_index_has_no_inclusion_proof():
    with pytest.raises(ValueError, match=r"^leaf -1 is not in a tree"):
        inclusion_proof(leaves(4), -1)


def test_an_index_at_the_given_size_is_refused_before_the_log_is_read():
    with pytest.raises(ValueError, match=r"^leaf 4 is not in a tree of 4 leaves$"):
        inclusion_proof(unread_log(), 4, size=4)


def test_an_index_at_the_size_of_the_whole_log_has_no_inclusion_proof():
    with pytest.raises(ValueError, match=r"^leaf 4 is not in a tree of 4 leaves$"):
        inclusion_proof(leaves(4), 4)


def test_the_last_leaf_of_the_whole_log_has_an_inclusion_proof():
    hashed = leaves(4)

    assert root_from_inclusion_proof(hashed[3], 3, 4, inclusion_proof(hashed, 3)) == root(hashed)


# Inclusion verification: what does not fit gives no root.


def test_a_leaf_that_is_not_a_hash_gives_no_root():
    hashed = leaves(2)

    assert root_from_inclusion_proof(b"short", 0, 2, [hashed[1]]) is None


def test_an_index_at_the_tree_size_gives_no_root():
    hashed = leaves(2)

    assert root_from_inclusion_proof(hashed[0], 2, 2, [hashed[1]]) is None


def test_a_proof_with_a_non_hash_gives_no_root():
    hashed = leaves(2)

    assert root_from_inclusion_proof(hashed[0], 0, 2, [b"short"]) is None


# Consistency verification: forged proofs and roots that are not hashes.


def test_an_old_size_above_the_new_size_is_never_consistent():
    """A proof shaped to pass the hash walk from size 3 to size 2 must still fail."""
    old_root, other = leaves(2)
    new_root = node_hash(old_root, other)

    assert not verify_consistency(3, 2, old_root, new_root, [old_root, other])


def test_a_new_root_that_is_not_a_hash_is_never_consistent():
    assert not verify_consistency(0, 5, EMPTY_ROOT, b"not a hash", [])


def test_the_empty_tree_is_a_prefix_of_any_tree():
    assert verify_consistency(0, 5, EMPTY_ROOT, root(leaves(5)), [])


# The signed checkpoint message and the stored hash.


ROOT_HEX = "ab" * 32


def test_the_empty_log_has_a_checkpoint_message():
    message = checkpoint_message(0, ROOT_HEX, "2026-11-27T04:00:00Z", "0123456789abcdef")

    assert (
        message
        == (
            f"kap-journeys checkpoint v1\n0\n{ROOT_HEX}\n2026-11-27T04:00:00Z\n0123456789abcdef\n"
        ).encode()
    )


def test_a_negative_size_has_no_checkpoint_message():
    expected = r"^a checkpoint has a size >= 0 and a 64-character lower-case hex root$"

    with pytest.raises(ValueError, match=expected):
        checkpoint_message(-1, ROOT_HEX, "2026-11-27T04:00:00Z", "0123456789abcdef")


def test_a_digest_that_is_not_hex_has_no_stored_hash():
    expected = r"^a seal's digest and hash are 64 lower-case hex characters$"

    with pytest.raises(ValueError, match=expected):
        stored_hash("topic", "A" * 64, "b" * 64, b"")
