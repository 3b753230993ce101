"""Merkle proofs for any tree size: equal to RFC 6962's recursive definitions, verified
by RFC 9162's algorithms, refused when anything is changed, and computed in one pass
with memory that does not grow with the log."""

from __future__ import annotations

import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.audit.merkle import (
    CompactRange,
    MerkleAccumulator,
    consistency_proof,
    grow,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 300
LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(MAX_SIZE)]


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    """RFC 6962 section 2.1: MTH(D[n]), over leaf hashes."""
    if not d:
        return root([])
    if len(d) == 1:
        return d[0]
    k = split(len(d))
    return node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    """RFC 6962 section 2.1.1: PATH(m, D[n])."""
    if len(d) <= 1:
        return []
    k = split(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """RFC 6962 section 2.1.2: SUBPROOF(m, D[n], b)."""
    if m == len(d):
        return [] if b else [mth(d)]
    k = split(len(d))
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def proof(m: int, d: list[bytes]) -> list[bytes]:
    return [] if m in (0, len(d)) else subproof(m, d, True)


sizes = st.integers(min_value=1, max_value=MAX_SIZE)


@st.composite
def size_and_index(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(sizes)
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    new = draw(sizes)
    return draw(st.integers(min_value=0, max_value=new)), new


def flip(hashes: list[bytes], which: int, bit: int) -> list[bytes]:
    changed = list(hashes)
    i = which % len(changed)
    byte = (bit // 8) % 32
    value = bytearray(changed[i])
    value[byte] ^= 1 << (bit % 8)
    changed[i] = bytes(value)
    return changed


@given(sizes)
def test_the_accumulator_root_is_the_recursive_root(size):
    accumulator = MerkleAccumulator()
    accumulator.extend(LEAVES[:size])
    assert accumulator.size == size
    assert accumulator.root() == mth(LEAVES[:size]) == root(iter(LEAVES[:size]))


@given(size_and_index())
def test_inclusion_proofs_are_rfc_paths_and_verify(case):
    size, index = case
    found = inclusion_proof(iter(LEAVES), index, size)
    assert found == path(index, LEAVES[:size])
    assert verify_inclusion(LEAVES[index], index, size, found, mth(LEAVES[:size]))


@given(size_and_index(), st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_a_tampered_inclusion_proof_fails(case, which, bit):
    size, index = case
    good = inclusion_proof(LEAVES, index, size)
    top = mth(LEAVES[:size])
    if good:
        assert not verify_inclusion(LEAVES[index], index, size, flip(good, which, bit), top)
        assert not verify_inclusion(LEAVES[index], index, size, good[:-1], top)
    assert not verify_inclusion(LEAVES[index], index, size, [*good, top], top)
    assert not verify_inclusion(flip([LEAVES[index]], 0, bit)[0], index, size, good, top)
    assert not verify_inclusion(LEAVES[index], index, size, good, flip([top], 0, bit)[0])
    other = (index + 1 + which % max(size - 1, 1)) % size
    if other != index:
        assert not verify_inclusion(LEAVES[other], index, size, good, top)


@given(two_sizes())
def test_consistency_proofs_are_rfc_subproofs_and_verify(case):
    old, new = case
    found = consistency_proof(iter(LEAVES), old, new)
    assert found == proof(old, LEAVES[:new])
    old_root, new_root = mth(LEAVES[:old]), mth(LEAVES[:new])
    assert verify_consistency(old, new, old_root, new_root, found)
    growth = grow(iter(LEAVES[:new]), old)
    assert (growth.size, growth.root, growth.proof) == (new, new_root, found)


@given(two_sizes(), st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_a_tampered_consistency_proof_or_root_fails(case, which, bit):
    old, new = case
    good = consistency_proof(LEAVES, old, new)
    old_root, new_root = mth(LEAVES[:old]), mth(LEAVES[:new])
    if good:
        assert not verify_consistency(old, new, old_root, new_root, flip(good, which, bit))
        assert not verify_consistency(old, new, old_root, new_root, good[:-1])
    assert not verify_consistency(old, new, flip([old_root], 0, bit)[0], new_root, good)
    if old:
        assert not verify_consistency(old, new, old_root, flip([new_root], 0, bit)[0], good)


@given(two_sizes(), st.integers(min_value=0, max_value=MAX_SIZE - 1))
def test_a_changed_old_leaf_makes_the_new_tree_inconsistent(case, at):
    """What a checkpoint relies on: rewriting history before the old size is caught."""
    old, new = case
    if old == 0:
        return
    at %= old
    rewritten = list(LEAVES[:new])
    rewritten[at] = leaf_hash(b"rewritten")
    growth = grow(rewritten, old)
    assert not verify_consistency(old, new, mth(LEAVES[:old]), growth.root, growth.proof)


@given(two_sizes())
def test_a_compact_range_from_any_start_keeps_at_most_two_subtrees_per_level(case):
    begin, end = case
    compact = CompactRange(begin)
    for leaf in LEAVES[begin:end]:
        compact.append(leaf)
    levels = [node.level for node in compact.nodes()]
    assert all(levels.count(level) <= 2 for level in set(levels))
    covered = begin
    for node in compact.nodes():
        assert node.start == covered
        assert node.start % (1 << node.level) == 0
        assert node.hash == mth(LEAVES[node.start : node.end])
        covered = node.end
    assert covered == end


@settings(max_examples=1, deadline=None)
@given(st.just(50_000))
def test_a_root_over_a_long_log_read_as_a_stream_stays_flat_in_memory(size):
    def stream():
        for i in range(size):
            yield leaf_hash(i.to_bytes(8, "big"))

    tracemalloc.start()
    try:
        accumulator = MerkleAccumulator()
        accumulator.extend(stream())
        growth = grow(stream(), size // 3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert accumulator.size == growth.size == size
    assert accumulator.root() == growth.root
    assert peak < 256 * 1024, f"peak {peak} bytes for {size} leaves"
