"""The Merkle tree against published RFC 6962 test vectors.

Vectors copied (values only) from two public Certificate Transparency implementations,
which agree with each other:

- google/certificate-transparency, ``src/merkletree/merkle_tree_test.cc``
  (kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs, kSHA256EmptyTreeHash);
- transparency-dev/merkle, ``proof/verify_test.go`` (the same tree, plus the
  consistency proof 6 -> 7 and the corruptions its verifier must refuse),
  ``rfc6962/rfc6962_test.go`` (single leaf and node hashes), and
  ``proof/proof_test.go`` (which subtrees make up inclusion and consistency proofs in
  trees of up to 95 leaves; written there as node ids, here as the leaf ranges the
  nodes cover, a "rehash" of several ids as the one range they join into).
"""

from __future__ import annotations

import hashlib

import pytest

from domain.audit.merkle import (
    EMPTY_ROOT,
    MerkleAccumulator,
    consistency_proof,
    grow,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)


def h(hex_digest: str) -> bytes:
    value = bytes.fromhex(hex_digest)
    assert len(value) == 32
    return value


EMPTY_TREE_HASH = h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")

INPUTS = [
    bytes.fromhex(x)
    for x in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
LEAVES = [leaf_hash(x) for x in INPUTS]

ROOTS = [  # ROOTS[i] is the root of the tree of the first i + 1 inputs
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# (leaf number, counted from 1, tree size, audit path)
INCLUSION_PROOFS = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (3, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        2,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (old size, new size, consistency proof)
CONSISTENCY_PROOFS = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

# Which subtrees (as leaf ranges [start, end)) make up a proof, in proof order.
INCLUSION_SHAPES = {  # (tree size, leaf index from 0): ranges
    (1, 0): [],
    (2, 0): [(1, 2)],
    (2, 1): [(0, 1)],
    (3, 1): [(0, 1), (2, 3)],
    (7, 0): [(1, 2), (2, 4), (4, 7)],
    (7, 1): [(0, 1), (2, 4), (4, 7)],
    (7, 2): [(3, 4), (0, 2), (4, 7)],
    (7, 3): [(2, 3), (0, 2), (4, 7)],
    (7, 4): [(5, 6), (6, 7), (0, 4)],
    (7, 5): [(4, 5), (6, 7), (0, 4)],
    (7, 6): [(4, 6), (0, 4)],
    (4, 2): [(3, 4), (0, 2)],
    (5, 3): [(2, 3), (0, 2), (4, 5)],
    (6, 3): [(2, 3), (0, 2), (4, 6)],
    (6, 4): [(5, 6), (0, 4)],
    (15, 10): [(11, 12), (8, 10), (12, 15), (0, 8)],
    (31, 24): [(25, 26), (26, 28), (28, 31), (16, 24), (0, 16)],
    (95, 81): [(80, 81), (82, 84), (84, 88), (88, 95), (64, 80), (0, 64)],
}
CONSISTENCY_SHAPES = {  # (old size, new size): ranges
    (1, 2): [(1, 2)],
    (1, 4): [(1, 2), (2, 4)],
    (1, 6): [(1, 2), (2, 4), (4, 6)],
    (2, 3): [(2, 3)],
    (2, 8): [(2, 4), (4, 8)],
    (3, 7): [(2, 3), (3, 4), (0, 2), (4, 7)],
    (4, 7): [(4, 7)],
    (5, 7): [(4, 5), (5, 6), (6, 7), (0, 4)],
    (6, 7): [(4, 6), (6, 7), (0, 4)],
    (7, 8): [(6, 7), (7, 8), (4, 6), (0, 4)],
    (1, 1): [],
    (2, 2): [],
    (3, 3): [],
    (4, 4): [],
    (5, 5): [],
    (7, 7): [],
    (8, 8): [],
    (2, 4): [(2, 4)],
    (3, 5): [(2, 3), (3, 4), (0, 2), (4, 5)],
    (3, 6): [(2, 3), (3, 4), (0, 2), (4, 6)],
    (4, 6): [(4, 6)],
    (1, 7): [(1, 2), (2, 4), (4, 7)],
    (10, 15): [(8, 10), (10, 12), (12, 15), (0, 8)],
    (24, 31): [(16, 24), (24, 31), (0, 16)],
    (81, 95): [(80, 81), (81, 82), (82, 84), (84, 88), (88, 95), (64, 80), (0, 64)],
}


def reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 6962's recursive definition, written out plainly, to cross-check the shapes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(reference_mth(leaves[:k]), reference_mth(leaves[k:]))


NUMBERED = [leaf_hash(str(i).encode()) for i in range(100)]


# Hashing.


def test_the_rfc6962_hashes_of_the_empty_tree_a_leaf_and_a_node():
    assert EMPTY_ROOT == EMPTY_TREE_HASH
    assert root([]) == EMPTY_TREE_HASH
    assert leaf_hash(b"") == h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    assert leaf_hash(b"L123456") == h(
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert node_hash(b"N123", b"N456") == h(
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


def test_a_leaf_is_not_a_node_of_the_same_bytes_and_order_matters():
    a, b = leaf_hash(b"Hello"), leaf_hash(b"World")
    assert node_hash(a, b) != leaf_hash(a + b)
    assert node_hash(a, b) != node_hash(b, a)


# Roots.


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_of_the_reference_tree_leaf_by_leaf(size):
    assert root(LEAVES[:size]) == ROOTS[size - 1]


def test_the_accumulator_passes_through_every_reference_root():
    accumulator = MerkleAccumulator()
    assert (accumulator.size, accumulator.root()) == (0, EMPTY_TREE_HASH)
    for size, leaf in enumerate(LEAVES, start=1):
        accumulator.append(leaf)
        assert accumulator.size == size
        assert accumulator.root() == ROOTS[size - 1]


# Inclusion.


@pytest.mark.parametrize(("leaf", "size", "path"), INCLUSION_PROOFS)
def test_inclusion_proofs_of_the_reference_tree(leaf, size, path):
    index = leaf - 1
    assert inclusion_proof(LEAVES, index, size) == path
    assert inclusion_proof(LEAVES[:size], index) == path
    assert verify_inclusion(LEAVES[index], index, size, path, ROOTS[size - 1])
    assert root_from_inclusion_proof(LEAVES[index], index, size, path) == ROOTS[size - 1]


def _corrupt_inclusion(index, size, proof, root_, leaf):
    """The corruptions transparency-dev's verifier test refuses (corruptInclusionProof)."""
    probes = [
        (index - 1, size, root_, leaf, proof),
        (index + 1, size, root_, leaf, proof),
        (index ^ 2, size, root_, leaf, proof),
        (index, size * 2, root_, leaf, proof),
        (index, size // 2, root_, leaf, proof),
        (index, size, root_, b"WrongLeaf", proof),
        (index, size, EMPTY_TREE_HASH, leaf, proof),
        (index, size, SOME_HASH, leaf, proof),
        (index, size, root_, leaf, [*proof, b""]),
        (index, size, root_, leaf, [*proof, root_]),
        (index, size, root_, leaf, [b"", *proof]),
        (index, size, root_, leaf, [root_, *proof]),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        probes.append((index, size, root_, leaf, flipped))
    if proof:
        probes.append((index, size, root_, leaf, proof[:-1]))
    if len(proof) > 1:
        probes.append((index, size, root_, leaf, [proof[0], SOME_HASH, *proof[1:]]))
    return probes


@pytest.mark.parametrize(("leaf", "size", "path"), INCLUSION_PROOFS[1:])
def test_corrupted_inclusion_proofs_are_refused(leaf, size, path):
    index = leaf - 1
    for p_index, p_size, p_root, p_leaf, p_proof in _corrupt_inclusion(
        index, size, path, ROOTS[size - 1], LEAVES[index]
    ):
        assert not verify_inclusion(p_leaf, p_index, p_size, p_proof, p_root), (
            p_index,
            p_size,
            p_proof,
        )


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 1), (1, 0), (2, 1)])
def test_inclusion_in_an_empty_or_too_small_tree_or_with_bad_hashes_is_refused(index, size):
    assert not verify_inclusion(SOME_HASH, index, size, [], b"")
    assert not verify_inclusion(b"", index, size, [], EMPTY_TREE_HASH)
    assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_TREE_HASH)


def test_a_single_leaf_tree_proves_its_leaf_with_an_empty_path():
    leaf = leaf_hash(b"data")
    assert verify_inclusion(leaf, 0, 1, [], leaf)
    assert not verify_inclusion(b"", 0, 1, [], leaf)
    assert not verify_inclusion(leaf, 0, 1, [], b"")


@pytest.mark.parametrize(("key", "ranges"), INCLUSION_SHAPES.items())
def test_inclusion_proofs_have_the_published_shape(key, ranges):
    size, index = key
    expected = [reference_mth(NUMBERED[a:b]) for a, b in ranges]
    proof = inclusion_proof(NUMBERED, index, size)
    assert proof == expected
    assert verify_inclusion(NUMBERED[index], index, size, proof, reference_mth(NUMBERED[:size]))


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (3, 0), (8, 7)])
def test_inclusion_proofs_for_leaves_outside_the_tree_are_refused(index, size):
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof(NUMBERED, index, size)


# Consistency.


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_PROOFS)
def test_consistency_proofs_of_the_reference_tree(old, new, proof):
    assert consistency_proof(LEAVES, old, new) == proof
    assert consistency_proof(LEAVES[:new], old) == proof
    growth = grow(LEAVES[:new], old)
    assert (growth.size, growth.root, growth.proof) == (new, ROOTS[new - 1], proof)
    assert verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof)


def _corrupt_consistency(old, new, root1, root2, proof):
    """The corruptions transparency-dev's verifier test refuses (corruptConsistencyProof)."""
    probes = [
        (old - 1, new, root1, root2, proof),
        (old + 1, new, root1, root2, proof),
        (old ^ 2, new, root1, root2, proof),
        (old, new * 2, root1, root2, proof),
        (old, new // 2, root1, root2, proof),
        (old, new, b"WrongRoot", root2, proof),
        (old, new, root1, b"WrongRoot", proof),
        (old, new, root2, root1, proof),
        (old, new, root1, root2, []),
        (old, new, root1, root2, [*proof, b""]),
        (old, new, root1, root2, [*proof, root1]),
        (old, new, root1, root2, [*proof, root2]),
        (old, new, root1, root2, [b"", *proof]),
        (old, new, root1, root2, [root1, *proof]),
        (old, new, root1, root2, [root2, *proof]),
        (old, new, root1, root2, [proof[0], *proof]),
        (old, new, root1, root2, proof[:-1]),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        probes.append((old, new, root1, root2, flipped))
    return probes


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_PROOFS[1:])
def test_corrupted_consistency_proofs_are_refused(old, new, proof):
    for probe in _corrupt_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof):
        p_old, p_new, p_root1, p_root2, p_proof = probe
        assert not verify_consistency(p_old, p_new, p_root1, p_root2, p_proof), probe[:2]


ROOT1, ROOT2 = h("11" * 32), h("22" * 32)


@pytest.mark.parametrize(
    ("old", "new", "root1", "root2", "proof", "ok"),
    [
        (0, 0, ROOT1, ROOT2, [], False),
        (1, 1, ROOT1, ROOT2, [], False),
        (0, 0, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [], True),
        (0, 1, EMPTY_TREE_HASH, ROOT2, [], True),
        (1, 1, ROOT2, ROOT2, [], True),
        (1, 0, ROOT1, ROOT2, [], False),  # time travel to the past
        (2, 1, ROOT1, ROOT2, [], False),
        (1, 2, ROOT1, ROOT2, [], False),  # an empty proof between different sizes
        (0, 0, EMPTY_TREE_HASH, ROOT2, [], False),
        (1, 1, EMPTY_TREE_HASH, ROOT2, [], False),
        (0, 0, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH], False),
        (0, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH], False),
        (1, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH], False),
    ],
)
def test_trivial_consistency_cases(old, new, root1, root2, proof, ok):
    """transparency-dev's TestVerifyConsistency table (an old tree of size 0 must have
    the empty root here: transparency-dev accepts any root there)."""
    assert verify_consistency(old, new, root1, root2, proof) is ok


@pytest.mark.parametrize(("key", "ranges"), CONSISTENCY_SHAPES.items())
def test_consistency_proofs_have_the_published_shape(key, ranges):
    old, new = key
    expected = [reference_mth(NUMBERED[a:b]) for a, b in ranges]
    proof = consistency_proof(NUMBERED, old, new)
    assert proof == expected
    assert verify_consistency(
        old, new, reference_mth(NUMBERED[:old]), reference_mth(NUMBERED[:new]), proof
    )


@pytest.mark.parametrize(("old", "new"), [(5, 0), (9, 8)])
def test_consistency_proofs_back_in_time_are_refused(old, new):
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(NUMBERED, old, new)
