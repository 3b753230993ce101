"""The log's Merkle tree, exactly as RFC 6962 section 2.1 (and RFC 9162 section 2.1) define it.

Hashing (SHA-256), so that any Certificate Transparency tool recomputes the same root:

- the root of the empty tree is ``SHA-256("")``;
- a leaf's hash is ``SHA-256(0x00 || entry)``;
- an inner node's hash is ``SHA-256(0x01 || left || right)``;
- a tree of ``n > 1`` leaves splits at ``k``, the largest power of two below ``n``:
  ``MTH(D[0:n]) = node_hash(MTH(D[0:k]), MTH(D[k:n]))``.

Every function here takes *leaf hashes* (already ``leaf_hash``-ed entries), in log
order, as any iterable: roots and proofs are computed in one pass with memory that grows
with ``log n``, never with ``n``, so a tree over millions of events stays flat.

Proofs are lists of 32-byte hashes in the order the RFCs define them (leaf end first),
and the verifiers follow RFC 9162 sections 2.1.3.2 and 2.1.4.2 step by step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The root of the tree with no leaves."""

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


class LogTooShortError(ValueError):
    """Fewer leaves than a tree size asked for: the log lost entries, or a bad size."""


def leaf_hash(entry: bytes) -> bytes:
    """``SHA-256(0x00 || entry)``: the hash of one log entry as a leaf."""
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an inner node."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Combine subtree hashes of decreasing size, right to left (a tree's right edge)."""
    if not hashes:
        return EMPTY_ROOT
    combined = hashes[-1]
    for left in reversed(hashes[:-1]):
        combined = node_hash(left, combined)
    return combined


def _largest_power_of_two_below(n: int) -> int:
    """The ``k`` RFC 6962 splits a tree of ``n >= 2`` leaves at: ``k < n <= 2k``."""
    return 1 << ((n - 1).bit_length() - 1)


@dataclass(frozen=True)
class Subtree:
    """A perfect subtree: leaves ``[start, start + 2**level)``, aligned to its size."""

    start: int
    level: int
    hash: bytes

    @property
    def end(self) -> int:
        return self.start + (1 << self.level)


class CompactRange:
    """The perfect subtrees covering leaves ``[begin, end)``, merged as soon as they pair.

    Subtrees are aligned as in the whole tree (a subtree of ``2**j`` leaves starts at a
    multiple of ``2**j``), so at most two per level remain: ``O(log n)`` hashes.
    """

    def __init__(self, begin: int = 0) -> None:
        if begin < 0:
            raise ValueError("a range begins at a leaf index >= 0")
        self.begin = begin
        self.end = begin
        self._nodes: list[Subtree] = []

    def append(self, leaf: bytes) -> None:
        """Add the next leaf hash (the leaf at index ``self.end``)."""
        _check_hash(leaf, "leaf hash")
        node = Subtree(self.end, 0, leaf)
        nodes = self._nodes
        while nodes:
            top = nodes[-1]
            is_left_sibling = top.level == node.level and (top.start >> top.level) % 2 == 0
            if not is_left_sibling:
                break
            nodes.pop()
            node = Subtree(top.start, top.level + 1, node_hash(top.hash, node.hash))
        nodes.append(node)
        self.end += 1

    def nodes(self) -> list[Subtree]:
        """The perfect subtrees that cover the range, left to right."""
        return list(self._nodes)


class MerkleAccumulator:
    """The root of a growing tree, fed one leaf hash at a time in ``O(log n)`` memory.

    It keeps one subtree hash per set bit of the size, largest (leftmost) first.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._hashes: list[bytes] = []
        self._size = 0

    def append(self, leaf: bytes) -> None:
        _check_hash(leaf, "leaf hash")
        hashes, size = self._hashes, self._size
        while size & 1:
            leaf = node_hash(hashes.pop(), leaf)
            size >>= 1
        hashes.append(leaf)
        self._size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        return self._size

    def root(self) -> bytes:
        """``MTH(D[0:size])``; the empty tree's root while no leaf was added."""
        return _fold(self._hashes)

    def nodes(self) -> list[Subtree]:
        """The perfect subtrees that cover the leaves so far, left to right."""
        found: list[Subtree] = []
        start = 0
        for level in reversed(range(self._size.bit_length())):
            if self._size >> level & 1:
                found.append(Subtree(start, level, self._hashes[len(found)]))
                start += 1 << level
        return found


def root(leaves: Iterable[bytes]) -> bytes:
    """The Merkle tree hash of these leaf hashes, in order."""
    accumulator = MerkleAccumulator()
    accumulator.extend(leaves)
    return accumulator.root()


# The leaf ranges whose subtree hashes make up a proof (RFC 6962 PATH and SUBPROOF).


def _path_ranges(index: int, start: int, end: int) -> list[tuple[int, int]]:
    """RFC 6962 section 2.1.1: PATH(index, D[start:end]), as ranges, leaf end first."""
    ranges: list[tuple[int, int]] = []
    while end - start > 1:
        split = start + _largest_power_of_two_below(end - start)
        if index < split:
            ranges.append((split, end))
            end = split
        else:
            ranges.append((start, split))
            start = split
    ranges.reverse()
    return ranges


def _subproof_ranges(old_size: int, start: int, end: int) -> list[tuple[int, int]]:
    """RFC 6962 section 2.1.2: SUBPROOF(m, D[start:end], True), as ranges, in order."""
    ranges: list[tuple[int, int]] = []
    have_old_root = True
    m = old_size - start
    while True:
        size = end - start
        if m == size:
            if not have_old_root:
                ranges.append((start, end))
            break
        split = _largest_power_of_two_below(size)
        if m <= split:
            ranges.append((start + split, end))
            end = start + split
        else:
            ranges.append((start, start + split))
            start += split
            m -= split
            have_old_root = False
    ranges.reverse()
    return ranges


class _Pieces:
    """The log read once, its subtrees kept cut at some leaf indexes: ``O(log n)`` hashes.

    The first piece is the whole tree's accumulator as it stood at the first cut; each
    later piece is a compact range from its cut on.
    """

    def __init__(self, leaves: Iterable[bytes], cuts: Iterable[int], size: int | None) -> None:
        whole = MerkleAccumulator()
        pending = sorted({cut for cut in cuts if cut > 0}, reverse=True)
        next_cut = pending.pop() if pending else -1
        limit = -1 if size is None else size
        first: list[Subtree] | None = None
        later: list[CompactRange] = []
        current: CompactRange | None = None
        count = 0
        for leaf in leaves:
            if count == limit:
                break
            if count == next_cut:
                if first is None:
                    first = whole.nodes()
                current = CompactRange(count)
                later.append(current)
                next_cut = pending.pop() if pending else -1
            whole.append(leaf)
            if current is not None:
                current.append(leaf)
            count += 1
        if size is not None and count < size:
            raise LogTooShortError(f"the log holds {count} leaves, fewer than {size}")
        self.size = count
        self.root = whole.root()
        self._nodes = (whole.nodes() if first is None else first) + [
            node for piece in later for node in piece.nodes()
        ]

    def hash_of(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])`` for a range that whole subtrees of the pieces tile."""
        inside = [n for n in self._nodes if start <= n.start and n.end <= end]
        covered = start
        for node in inside:
            if node.start != covered:
                break
            covered = node.end
        if covered != end or any(a.level < b.level for a, b in pairwise(inside)):
            raise AssertionError(f"leaves [{start}, {end}) are not tiled by stored subtrees")
        return _fold([node.hash for node in inside])


def inclusion_proof(leaves: Iterable[bytes], index: int, size: int | None = None) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of the first ``size`` leaves.

    ``size`` defaults to all the leaves given.
    """
    if index < 0 or (size is not None and index >= size):
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    pieces = _Pieces(leaves, [index, index + 1], size)
    if index >= pieces.size:
        raise ValueError(f"leaf {index} is not in a tree of {pieces.size} leaves")
    return [pieces.hash_of(a, b) for a, b in _path_ranges(index, 0, pieces.size)]


def consistency_proof(
    leaves: Iterable[bytes], old_size: int, new_size: int | None = None
) -> list[bytes]:
    """The proof that the tree of ``old_size`` leaves is a prefix of the ``new_size`` tree.

    ``new_size`` defaults to all the leaves given. Empty when ``old_size`` is 0 or equal.
    """
    return grow(leaves, old_size, new_size).proof


@dataclass(frozen=True)
class Growth:
    """A tree read in one pass: its size and root, and its consistency proof from a prefix."""

    old_size: int
    size: int
    root: bytes
    proof: list[bytes]


def grow(leaves: Iterable[bytes], old_size: int, new_size: int | None = None) -> Growth:
    """Root of the first ``new_size`` leaves (default: all) and the proof from ``old_size``.

    The size need not be known before the pass: a checkpoint reads the log once.
    """
    if old_size < 0 or (new_size is not None and new_size < old_size):
        raise ValueError(f"no consistency proof from {old_size} to {new_size} leaves")
    pieces = _Pieces(leaves, [old_size], new_size)
    if pieces.size < old_size:
        raise LogTooShortError(f"the log holds {pieces.size} leaves, fewer than {old_size}")
    if old_size in (0, pieces.size):
        return Growth(old_size, pieces.size, pieces.root, [])
    ranges = _subproof_ranges(old_size, 0, pieces.size)
    return Growth(old_size, pieces.size, pieces.root, [pieces.hash_of(a, b) for a, b in ranges])


# Verification (RFC 9162 sections 2.1.3.2 and 2.1.4.2).


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise ValueError(f"a {what} is {HASH_SIZE} bytes")


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def root_from_inclusion_proof(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes | None:
    """The root that ``proof`` implies for ``leaf`` at ``index``; None if it cannot fit."""
    if not (0 <= index < size) or not _is_hash(leaf) or not all(map(_is_hash, proof)):
        return None
    fn, sn = index, size - 1
    result = leaf
    for sibling in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return result if sn == 0 else None


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree with ``root``."""
    found = root_from_inclusion_proof(leaf, index, size, proof)
    return found is not None and found == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the ``old_size`` tree is a prefix of the ``new_size`` tree."""
    if not (0 <= old_size <= new_size) or not all(map(_is_hash, proof)):
        return False
    if not (_is_hash(old_root) and _is_hash(new_root)):
        return False
    if old_size == 0 and old_root != EMPTY_ROOT:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:  # the empty tree is a prefix of every tree
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first = node_hash(node, first)
            second = node_hash(node, second)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            second = node_hash(second, node)
        fn >>= 1
        sn >>= 1
    return sn == 0 and first == old_root and second == new_root
