"""Inclusion proofs for many leaves at once (an evidence bundle proves every entry).

An RFC 6962 tree equals a tree built level by level in which a lone last node is
carried up unchanged; holding those levels makes each audit path a walk up the levels,
O(log n) per leaf after one O(n) build.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from domain.audit.merkle import EMPTY_ROOT, node_hash


class ProofTree:
    """Every level of the tree over ``leaf_hashes`` (already ``leaf_hash``-ed)."""

    def __init__(self, leaf_hashes: Iterable[bytes]) -> None:
        level = list(leaf_hashes)
        self.levels: list[list[bytes]] = [level]
        while len(level) > 1:
            paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                paired.append(level[-1])
            self.levels.append(paired)
            level = paired

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def root(self) -> bytes:
        return self.levels[-1][0] if self.size else EMPTY_ROOT

    def path(self, index: int) -> list[bytes]:
        """The audit path of leaf ``index``, leaf end first (as RFC 6962 orders it)."""
        if not 0 <= index < self.size:
            raise ValueError(f"leaf {index} is not in a tree of {self.size} leaves")
        path = []
        for level in self.levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                path.append(level[sibling])
            index //= 2
        return path

    def paths(self, indices: Sequence[int]) -> dict[int, list[bytes]]:
        return {index: self.path(index) for index in indices}
