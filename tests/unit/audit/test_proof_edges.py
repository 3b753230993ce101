"""The edges of the audit proofs: indexes just outside a tree, roots and leaves that are
not hashes, forged proofs, the empty checkpoint, logs shorter than asked, the chain's
canonical form and hashes, and the refusals' exact words.

A verifier that accepts one forged proof is worthless, and a canonical form another
language cannot recompute proves nothing, so each guard gets a case that only it stops."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

import pytest

from domain.audit.checkpoint_format import checkpoint_message
from domain.audit.hashing import GENESIS, canonical_json, content_digest, entry_hash
from domain.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    LogTooShortError,
    MerkleAccumulator,
    _Pieces,
    grow,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    root_from_inclusion_proof,
    verify_consistency,
)
from domain.audit.proof_batch import ProofTree
from domain.audit.seal import entry_content, seal
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


def test_roots_that_are_text_not_bytes_are_never_consistent():
    text_root = "a" * 32

    assert not verify_consistency(3, 3, text_root, text_root, [])


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


# The Merkle helpers' refusals: what is not a hash, where a range cannot begin, a log
# shorter than asked.


def test_a_leaf_that_is_not_a_hash_is_refused_by_the_accumulator():
    with pytest.raises(ValueError, match=r"^a leaf hash is 32 bytes$"):
        MerkleAccumulator().append(b"short")


def test_a_leaf_that_is_not_a_hash_is_refused_by_a_compact_range():
    with pytest.raises(ValueError, match=r"^a leaf hash is 32 bytes$"):
        CompactRange().append(b"short")


def test_a_compact_range_begins_at_the_first_leaf_unless_told():
    compact = CompactRange()

    assert (compact.begin, compact.end) == (0, 0)


def test_the_accumulator_covers_seven_leaves_with_subtrees_of_four_two_and_one():
    accumulator = MerkleAccumulator()
    accumulator.extend(leaves(7))

    assert [(n.start, n.level) for n in accumulator.nodes()] == [(0, 2), (4, 1), (6, 0)]


def test_an_inclusion_proof_in_a_prefix_ignores_the_leaves_after_it():
    assert inclusion_proof(leaves(5), 1, size=3) == inclusion_proof(leaves(3), 1)


def test_a_compact_range_cannot_begin_before_the_first_leaf():
    with pytest.raises(ValueError, match=r"^a range begins at a leaf index >= 0$"):
        CompactRange(-1)


def test_a_compact_range_may_begin_at_the_first_leaf():
    assert CompactRange(0).nodes() == []


def test_a_consistency_proof_to_a_smaller_tree_is_refused():
    with pytest.raises(ValueError, match=r"^no consistency proof from 3 to 2 leaves$"):
        grow(leaves(4), 3, 2)


def test_a_log_shorter_than_the_old_size_is_refused_saying_how_long_it_is():
    with pytest.raises(LogTooShortError, match=r"^the log holds 3 leaves, fewer than 5$"):
        grow(leaves(3), 5)


def test_a_log_shorter_than_the_new_size_is_refused_saying_how_long_it_is():
    with pytest.raises(LogTooShortError, match=r"^the log holds 3 leaves, fewer than 4$"):
        grow(leaves(3), 1, 4)


# The log read once (``_Pieces``): a range is hashed only from subtrees that make its
# RFC 6962 hash; anything else is a bug in the proof, never a wrong hash.


def test_a_range_no_stored_subtree_fits_in_is_never_hashed():
    pieces = _Pieces(leaves(4), [], None)

    with pytest.raises(AssertionError, match=r"^leaves \[1, 2\) are not tiled by stored subtrees$"):
        pieces.hash_of(1, 2)


def test_subtrees_growing_left_to_right_are_never_folded_into_a_hash():
    pieces = _Pieces(leaves(8), [1], None)

    with pytest.raises(AssertionError, match="not tiled"):
        pieces.hash_of(0, 4)


def test_two_equal_subtrees_side_by_side_hash_as_their_parent():
    pieces = _Pieces(leaves(8), [1], None)

    assert pieces.hash_of(0, 2) == root(leaves(2))


# The chain's canonical form and hashes, as docs/tamper-evidence.md defines them.


def test_the_canonical_form_is_sorted_compact_utf8_json_with_fixed_times_and_numbers():
    opened = datetime(2026, 11, 20, 18, 5, tzinfo=timezone(timedelta(hours=1)))
    value = {
        "b": (35.0, 0.75, 1e20),
        "a": ["é", None, True, False, 7],
        "t": opened,
        "u": UUID("12345678-1234-5678-1234-56781234ABCD"),
        3: {"z": 1, "y": 2},
    }

    assert (
        canonical_json(value)
        == (
            '{"3":{"y":2,"z":1},"a":["é",null,true,false,7],"b":[35,0.75,100000000000000000000],'
            '"t":"2026-11-20T17:05:00.000000Z","u":"12345678-1234-5678-1234-56781234abcd"}'
        ).encode()
    )


@pytest.fixture
def server_in_new_york(monkeypatch):
    """The process's local time zone set far from UTC, then restored."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_canonical_time_is_utc_whatever_the_servers_time_zone(server_in_new_york):
    opened = datetime(2026, 11, 20, 18, 5, tzinfo=timezone(timedelta(hours=1)))

    assert canonical_json(opened) == b'"2026-11-20T17:05:00.000000Z"'


@pytest.mark.parametrize("number", [math.inf, -math.inf, math.nan])
def test_a_non_finite_number_has_no_canonical_form(number):
    with pytest.raises(ValueError, match=r"^non-finite numbers have no canonical form$"):
        canonical_json({"dose_mg": number})


def test_a_time_without_an_offset_has_no_canonical_form():
    with pytest.raises(ValueError, match=r"^times without an offset have no canonical form$"):
        canonical_json({"at": datetime(2026, 11, 20, 17, 5)})


def test_a_value_of_another_type_has_no_canonical_form():
    with pytest.raises(TypeError, match=r"^no canonical form for set$"):
        canonical_json({"items": {1, 2}})


def test_the_digest_and_the_chain_hash_are_the_documented_sha256s():
    content = {"type": "ConsentSigned", "version": 2}
    framed = b'{"content":{"type":"ConsentSigned","version":2},"salt":"00ff"}'
    digest = hashlib.sha256(framed).hexdigest()

    assert content_digest("00ff", content) == digest
    assert (
        entry_hash(GENESIS, digest) == hashlib.sha256(f"{'0' * 64}:{digest}".encode()).hexdigest()
    )


def test_a_seal_chains_the_salted_digest_to_the_previous_hash():
    content = {"type": "ConsentSigned"}

    sealed = seal("00ff", content, GENESIS)

    assert sealed.salt == "00ff"
    assert sealed.digest == content_digest("00ff", content)
    assert sealed.hash == entry_hash(GENESIS, sealed.digest)


ENTRY = {
    "journey_id": UUID(int=1),
    "type": "ConsentSigned",
    "version": 4,
    "occurred_at": datetime(2026, 11, 20, 17, 5, tzinfo=UTC),
    "recorded_at": datetime(2026, 11, 20, 17, 6, tzinfo=UTC),
    "recorded_by": {"id": "therapist-1", "role": "therapist"},
    "source": "test",
    "idempotency_key": "key-1",
    "data": {"consent_version": "v3"},
}


def test_an_entrys_content_is_everything_stored_but_its_seal():
    assert entry_content(**ENTRY) == ENTRY


def test_a_corrections_content_also_holds_the_corrected_entry():
    corrected = {"type": "ConsentSigned", "data": {"consent_version": "v4"}}

    content = entry_content(**ENTRY, corrected=corrected)

    assert content == {**ENTRY, "corrected": corrected}


def test_a_range_starting_inside_a_stored_subtree_is_never_hashed():
    pieces = _Pieces(leaves(8), [3], None)

    with pytest.raises(AssertionError, match="not tiled"):
        pieces.hash_of(1, 4)


def test_a_growth_keeps_the_size_it_grew_from():
    assert grow(leaves(4), 0).old_size == 0
    assert grow(leaves(5), 3).old_size == 3
