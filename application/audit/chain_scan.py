"""Every journey's chain checked in one pass over the log's seals, nothing decrypted.

The fast check (what ``audit verify`` runs by default, with the Merkle roots): each
entry's stored bytes (topic, seal, encrypted body) must be those its ``KAPSEAL2`` seal
was written over, its hash must chain its digest to the previous entry of its journey,
versions must run on without a gap, and every checkpointed head must still be there. ``--deep`` adds
what needs the content: each digest recomputed from the decrypted entry
(``application.audit.verify``), which also tells a reordered pair from a changed entry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from uuid import UUID

from application.audit.checkpoints import ChainReport, CheckpointService
from application.audit.leaves import Leaf, leaves
from application.audit.verify import Anchor, ChainProblem, Verification
from application.journeys import Journeys
from domain.audit.hashing import GENESIS, entry_hash


@dataclass
class _Walk:
    version: int = 0
    hash: str = GENESIS
    sound: bool = True
    events: int = 0
    problems: list[ChainProblem] = field(default_factory=list)


@dataclass(frozen=True)
class ChainScan:
    ok: bool
    journeys_checked: int
    events_checked: int
    failed: list[Verification]


class ChainWalk:
    """Every journey's chain judged entry by entry, as the log is read in order."""

    def __init__(self, anchors: Mapping[UUID, Anchor]) -> None:
        self.anchors = anchors
        self.walks: dict[UUID, _Walk] = {}

    def see(self, leaf: Leaf) -> None:
        walk = self.walks.get(leaf.journey_id)
        if walk is None:
            walk = self.walks[leaf.journey_id] = _Walk()
        walk.events += 1
        hash_hex = leaf.hash.hex()
        if leaf.version != walk.version + 1:
            for missing in range(walk.version + 1, leaf.version):
                walk.problems.append(
                    ChainProblem(missing, "missing", f"Version {missing} is missing.")
                )
            walk.sound = False
        if leaf.intact is False:
            walk.problems.append(
                ChainProblem(
                    leaf.version,
                    "stored_bytes_changed",
                    f"Version {leaf.version}'s stored bytes (topic, seal or encrypted body) "
                    "are not those it was written with: altered.",
                )
            )
        elif leaf.digest is None:
            walk.problems.append(
                ChainProblem(
                    leaf.version, "unsealed", f"Version {leaf.version} was stored before sealing."
                )
            )
        elif walk.sound and entry_hash(walk.hash, leaf.digest) != hash_hex:
            walk.problems.append(
                ChainProblem(
                    leaf.version,
                    "broken_link",
                    f"Version "
                    f"{leaf.version} does not chain to the one "
                    "before: it, or its neighbour, was altered.",
                )
            )
        anchor = self.anchors.get(leaf.journey_id)
        if anchor is not None and anchor.version == leaf.version and anchor.hash != hash_hex:
            walk.problems.append(
                ChainProblem(
                    leaf.version,
                    "changed",
                    f"Version {leaf.version} "
                    f"differs from what checkpoint {anchor.checkpoint} recorded.",
                )
            )
        # A seal that no longer reads leaves nothing to judge the next link against.
        readable = leaf.intact is not False or leaf.digest is not None
        walk.version, walk.hash, walk.sound = leaf.version, hash_hex, readable

    def result(self) -> ChainScan:
        walks = self.walks
        for journey_id, anchor in self.anchors.items():
            walk = walks.setdefault(journey_id, _Walk())
            if walk.events == 0:
                walk.problems.append(
                    ChainProblem(
                        None,
                        "journey_removed",
                        f"Checkpoint "
                        f"{anchor.checkpoint} recorded this journey at version "
                        f"{anchor.version}; none of its entries remain.",
                    )
                )
            elif walk.version < anchor.version:
                walk.problems.append(
                    ChainProblem(
                        walk.version + 1,
                        "cut_tail",
                        f"Checkpoint "
                        f"{anchor.checkpoint} recorded version {anchor.version}; "
                        f"versions {walk.version + 1} to {anchor.version} are gone.",
                    )
                )
        failed = [
            Verification(journey_id, False, walk.events, walk.problems)
            for journey_id, walk in sorted(walks.items())
            if walk.problems
        ]
        return ChainScan(not failed, len(walks), sum(w.events for w in walks.values()), failed)


def scan_chains(journeys: Journeys, anchors: Mapping[UUID, Anchor]) -> ChainScan:
    walk = ChainWalk(anchors)
    for leaf in leaves(journeys, with_body=True):
        walk.see(leaf)
    return walk.result()


class _OneRead:
    """The log read once: every entry to the chain walk, and those up to the position
    the tree asks for to the tree as well (the tree may stop early: the walk goes on)."""

    def __init__(self, journeys: Journeys, walk: ChainWalk) -> None:
        self.journeys = journeys
        self.walk = walk
        self.end = journeys.log_position()
        self.rows: Iterator[Leaf] | None = None

    def entries(self, upto: int) -> Iterator[bytes]:
        if self.rows is not None:
            raise RuntimeError("the log is read once")
        self.rows = leaves(self.journeys, max(upto, self.end), with_body=True)
        for leaf in self.rows:
            self.walk.see(leaf)
            if leaf.position > upto:
                return
            yield leaf.leaf

    def finish(self) -> None:
        rows = self.rows
        if rows is None:
            rows = leaves(self.journeys, self.end, with_body=True)
        for leaf in rows:
            self.walk.see(leaf)


def scan_store(
    journeys: Journeys, anchors: Mapping[UUID, Anchor], checkpoints: CheckpointService | None
) -> tuple[ChainScan, ChainReport | None]:
    """Every journey's chain and every signed Merkle root (``checkpoints.verify_all``)
    from one read of the log: what ``audit verify`` runs."""
    walk = ChainWalk(anchors)
    reading = _OneRead(journeys, walk)
    report = None
    if checkpoints is not None:
        report = checkpoints.verify_all(against_log=True, leaves=reading.entries)
    reading.finish()
    return walk.result(), report
