"""Signed checkpoints of the whole log: an RFC 6962 Merkle root over every event, in order.

A checkpoint says "the first ``tree_size`` events of the log have this Merkle root",
signed with the service's Ed25519 key (see ``interface.audit.signing`` for the exact
bytes). The tree's entries are 32 bytes per event, in log order, each hashed as an RFC
6962 leaf, ``SHA-256(0x00 || entry)``: for a ``KAPSEAL2`` entry ``SHA-256(hash || stored)``
(so a checkpoint covers its stored bytes too), for a ``KAPSEAL1`` entry its chain hash,
for a row without a seal SHA-256 of its stored state (``application.audit.leaves``).

Each checkpoint after the first carries the RFC 6962 consistency proof from the one
before it, and is only stored after that proof verified against the previous signed
root: a log whose signed part was changed, cut or reordered refuses to be checkpointed
(``InconsistentLogError``) instead of being signed over.

The use case owns what it needs from outside as Protocols: a ``CheckpointStore`` (the
SQL one is ``interface.storage.checkpoints``: checkpoints numbered 1, 2, 3...; two
processes checkpointing at once cannot both store the same number, so the chain never
forks) and a ``Signer`` (the Ed25519 key of ``interface.audit.signing``).
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from application.audit.leaves import leaf_hashes, leaves
from domain.audit.checkpoint_format import checkpoint_message
from domain.audit.merkle import (
    LogTooShortError,
    MerkleAccumulator,
    grow,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

if TYPE_CHECKING:
    from application.journeys import Journeys

log = logging.getLogger("kap.audit.checkpoints")

CREATE_ATTEMPTS = 3
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

Head = tuple[int, str] | tuple[int, str, str | None]
HeadsReader = Callable[[int, int], Mapping[UUID, Head]]
"""``heads(after, upto)``: each journey with an event at store positions after..upto,
with its last version there, that entry's chain hash (hex) and (optionally) its clinic."""


def canonical_time(moment: datetime) -> str:
    """A checkpoint's time as signed: UTC, whole seconds, ``Z``."""
    if moment.tzinfo is None:
        raise ValueError("a checkpoint's time needs an offset")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


class CheckpointTakenError(RuntimeError):
    """The store already holds a checkpoint with this number: another process stored it."""


class InconsistentLogError(RuntimeError):
    """The log no longer extends what a signed checkpoint recorded: it was altered."""


@dataclass(frozen=True)
class Checkpoint:
    id: int
    tree_size: int
    root: str
    signed_at: str
    key_id: str
    signature: str
    consistency_proof: list[str]
    log_position: int

    def message(self) -> bytes:
        """The bytes the signature covers."""
        return checkpoint_message(self.tree_size, self.root, self.signed_at, self.key_id)

    def public(self) -> dict[str, Any]:
        """What an auditor needs to check it (``GET /v1/audit/checkpoints``)."""
        return {
            "tree_size": self.tree_size,
            "root": self.root,
            "signed_at": self.signed_at,
            "key_id": self.key_id,
            "signature": self.signature,
            "consistency_proof": list(self.consistency_proof),
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class JourneyHead:
    """A journey's last version and chain hash as checkpoint ``checkpoint`` saw them."""

    checkpoint: int
    version: int
    hash: str
    clinic_id: str | None = None
    """None for a head recorded before heads named their clinic."""


@dataclass(frozen=True)
class CheckpointProblem:
    checkpoint: int
    kind: str  # bad_signature, unknown_key, inconsistent, log_differs
    detail: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checkpoints: int
    problems: list[CheckpointProblem] = field(default_factory=list)


@dataclass(frozen=True)
class InclusionProof:
    """Leaf ``leaf_index`` (0-based, log order) is in the tree a checkpoint signed."""

    leaf_index: int
    tree_size: int
    entry: str
    """The event's Merkle entry (hex): SHA-256(hash || stored) for a ``KAPSEAL2`` entry,
    its chain hash for a ``KAPSEAL1`` one; the tree's leaf is SHA-256(0x00 || entry)."""
    leaf_hash: str
    proof: list[str]
    root: str
    checkpoint: Checkpoint


class Signer(Protocol):
    """The key that signs checkpoints, and the check of its algorithm's signatures."""

    @property
    def algorithm(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    @property
    def public_key(self) -> bytes:
        """The raw public key."""
        ...

    @property
    def public_key_b64(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...

    def verifies(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is ``public_key``'s signature of ``message``."""
        ...


class CheckpointStore(Protocol):
    """Where checkpoints and the journey heads they recorded are kept: append-only."""

    def create_tables(self) -> None: ...

    def all(self) -> list[Checkpoint]:
        """Every checkpoint, by number."""
        ...

    def latest(self) -> Checkpoint | None: ...

    def of_size(self, tree_size: int) -> Checkpoint | None:
        """The first checkpoint that signed a tree of ``tree_size`` events."""
        ...

    def add(self, checkpoint: Checkpoint, heads: Mapping[UUID, Head]) -> None:
        """Store a checkpoint with its heads, all or nothing; ``CheckpointTakenError`` when its
        number is stored already."""
        ...

    def heads(self, journey_id: UUID | None = None) -> dict[UUID, JourneyHead]:
        """Each journey's head at the latest checkpoint that recorded it (or one's)."""
        ...

    def clinic_journey_ids(self, clinic_id: str) -> set[UUID]:
        """The journeys with a head that names this clinic."""
        ...

    def clinic_checkpoint_ids(self, clinic_id: str) -> set[int]:
        """The checkpoints that recorded a head naming this clinic."""
        ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CheckpointService:
    """Create, list and verify the signed checkpoints of one log, kept in ``store`` and
    signed by ``key``.

    ``leaves(upto)`` yields the log's entries (each event's 32-byte Merkle entry) at store
    positions 1..``upto``, in log order; ``store_size()`` is the store's last position
    (0 when empty). Neither is called more than once per checkpoint: the log is read in
    one pass, in memory that grows with the logarithm of its length.
    """

    def __init__(
        self,
        store: CheckpointStore,
        key: Signer,
        leaves: Callable[[int], Iterable[bytes]],
        store_size: Callable[[], int],
        clock: Callable[[], datetime] = _utc_now,
        other_keys: Mapping[str, bytes] | None = None,
        heads: HeadsReader | None = None,
    ) -> None:
        self.store = store
        self.key = key
        self._leaves = leaves
        self._store_size = store_size
        self._heads = heads
        self._clock = clock
        self.trusted_keys: dict[str, bytes] = {**(other_keys or {}), key.key_id: key.public_key}
        """Public keys (raw) by key id whose signatures verify: this key and older ones."""
        self._lock = threading.Lock()

    # Reading.

    def all(self) -> list[Checkpoint]:
        return self.store.all()

    def latest(self) -> Checkpoint | None:
        return self.store.latest()

    def _entries(
        self, upto: int, leaves: Callable[[int], Iterable[bytes]] | None = None
    ) -> Iterator[bytes]:
        for entry in (leaves or self._leaves)(upto):
            if len(entry) != 32:
                raise ValueError(f"a log entry is a 32-byte hash, got {len(entry)} bytes")
            yield entry

    def _leaf_hashes(
        self, upto: int, leaves: Callable[[int], Iterable[bytes]] | None = None
    ) -> Iterator[bytes]:
        return (leaf_hash(entry) for entry in self._entries(upto, leaves))

    # Creating.

    def create(self) -> Checkpoint | None:
        """Sign the log as it stands; None when nothing was added since the last checkpoint.

        Raises InconsistentLogError, and stores nothing, when the log does not extend the
        last signed checkpoint (or that checkpoint's own signature does not verify).
        """
        with self._lock:
            for _ in range(CREATE_ATTEMPTS):
                previous = self.latest()
                position = self._store_size()
                if previous is not None and position < previous.log_position:
                    raise InconsistentLogError(
                        f"The store ends at position {position}, before the "
                        f"{previous.log_position} that checkpoint {previous.id} read up to: "
                        "events at the end of the log were removed."
                    )
                if position <= (previous.log_position if previous else 0):
                    return None
                checkpoint = self._next(previous, position)
                if checkpoint is None:
                    return None
                heads: Mapping[UUID, Head] = {}
                if self._heads is not None:
                    heads = self._heads(previous.log_position if previous else 0, position)
                try:
                    self.store.add(checkpoint, heads)
                except CheckpointTakenError:
                    log.info("checkpoint %d was stored by another process; again", checkpoint.id)
                    continue
                log.info("checkpoint %d: %d events", checkpoint.id, checkpoint.tree_size)
                return checkpoint
        raise RuntimeError(f"no checkpoint stored after {CREATE_ATTEMPTS} attempts")

    def _next(self, previous: Checkpoint | None, position: int) -> Checkpoint | None:
        old_size = previous.tree_size if previous else 0
        if previous is not None:
            self._check_signature(previous)
        try:
            growth = grow(self._leaf_hashes(position), old_size)
        except LogTooShortError:
            assert previous is not None
            raise InconsistentLogError(
                f"The log holds fewer events than the {old_size} that checkpoint "
                f"{previous.id} signed: events were removed."
            ) from None
        if previous is not None and not verify_consistency(
            old_size, growth.size, bytes.fromhex(previous.root), growth.root, growth.proof
        ):
            raise InconsistentLogError(
                f"The log's first {old_size} events no longer have the root checkpoint "
                f"{previous.id} signed: events in them were changed, removed or reordered."
            )
        if growth.size == old_size:
            return None
        root_hex = growth.root.hex()
        signed_at = canonical_time(self._clock())
        message = checkpoint_message(growth.size, root_hex, signed_at, self.key.key_id)
        return Checkpoint(
            id=(previous.id + 1) if previous else 1,
            tree_size=growth.size,
            root=root_hex,
            signed_at=signed_at,
            key_id=self.key.key_id,
            signature=base64.b64encode(self.key.sign(message)).decode("ascii"),
            consistency_proof=[node.hex() for node in growth.proof],
            log_position=position,
        )

    def _check_signature(self, checkpoint: Checkpoint) -> None:
        public = self.trusted_keys.get(checkpoint.key_id)
        if public is None:
            log.warning(
                "checkpoint %d is signed by key %s, not one this service knows: "
                "its signature is not checked",
                checkpoint.id,
                checkpoint.key_id,
            )
            return
        if not self._signature_verifies(public, checkpoint):
            raise InconsistentLogError(
                f"Checkpoint {checkpoint.id}'s signature does not verify: the stored "
                "checkpoint was altered."
            )

    # Verifying.

    def verify_all(
        self, against_log: bool = True, leaves: Callable[[int], Iterable[bytes]] | None = None
    ) -> ChainReport:
        """Every signature, each checkpoint's consistency with the one before and, with
        ``against_log``, every signed root recomputed from the log as it is now (its
        entries from ``leaves``, when given, in place of the service's own: a caller
        reading the log anyway feeds the tree from the same pass)."""
        checkpoints = self.all()
        problems: list[CheckpointProblem] = []
        previous_size, previous_root = 0, MerkleAccumulator().root()
        for checkpoint in checkpoints:
            problems += self._signature_problems(checkpoint)
            proof = [bytes.fromhex(node) for node in checkpoint.consistency_proof]
            if not verify_consistency(
                previous_size,
                checkpoint.tree_size,
                previous_root,
                bytes.fromhex(checkpoint.root),
                proof,
            ):
                problems.append(
                    CheckpointProblem(
                        checkpoint.id,
                        "inconsistent",
                        f"Checkpoint {checkpoint.id} (tree size {checkpoint.tree_size}) does "
                        f"not extend the tree of {previous_size} events signed before it.",
                    )
                )
            previous_size, previous_root = checkpoint.tree_size, bytes.fromhex(checkpoint.root)
        if against_log and checkpoints:
            problems += self._log_problems(checkpoints, leaves)
        return ChainReport(not problems, len(checkpoints), problems)

    def _signature_problems(self, checkpoint: Checkpoint) -> list[CheckpointProblem]:
        public = self.trusted_keys.get(checkpoint.key_id)
        if public is None:
            return [
                CheckpointProblem(
                    checkpoint.id,
                    "unknown_key",
                    f"Checkpoint {checkpoint.id} is signed by key {checkpoint.key_id}, "
                    "which this service does not know.",
                )
            ]
        if not self._signature_verifies(public, checkpoint):
            return [
                CheckpointProblem(
                    checkpoint.id,
                    "bad_signature",
                    f"Checkpoint {checkpoint.id}'s signature does not verify.",
                )
            ]
        return []

    def _log_problems(
        self,
        checkpoints: Sequence[Checkpoint],
        leaves: Callable[[int], Iterable[bytes]] | None = None,
    ) -> list[CheckpointProblem]:
        """Recompute each signed root from the log in one pass; name the first that differs."""
        latest = checkpoints[-1]
        by_size = sorted(checkpoints, key=lambda c: c.tree_size)
        accumulator = MerkleAccumulator()
        pending = iter(by_size)
        due = next(pending, None)
        while due is not None and due.tree_size == 0:
            due = next(pending, None)
        for leaf in self._leaf_hashes(latest.log_position, leaves):
            accumulator.append(leaf)
            while due is not None and accumulator.size == due.tree_size:
                if accumulator.root().hex() != due.root:
                    return [self._differs(due, checkpoints)]
                due = next(pending, None)
            if due is None:
                break
        if due is not None:
            return [
                CheckpointProblem(
                    due.id,
                    "log_differs",
                    f"Checkpoint {due.id} signed {due.tree_size} events; the log now holds "
                    f"{accumulator.size} up to that point: events were removed.",
                )
            ]
        return []

    @staticmethod
    def _differs(checkpoint: Checkpoint, checkpoints: Sequence[Checkpoint]) -> CheckpointProblem:
        before = max(
            (c.tree_size for c in checkpoints if c.tree_size < checkpoint.tree_size), default=0
        )
        return CheckpointProblem(
            checkpoint.id,
            "log_differs",
            f"The log's first {checkpoint.tree_size} events no longer have the root "
            f"checkpoint {checkpoint.id} signed: an event among numbers {before + 1} to "
            f"{checkpoint.tree_size} (in log order) was changed, removed or reordered.",
        )

    # Journey heads.

    def heads(self, journey_id: UUID | None = None) -> dict[UUID, JourneyHead]:
        """Each journey's head at the latest checkpoint that recorded it (or one journey's)."""
        return self.store.heads(journey_id)

    def clinic_heads(self, clinic_id: str) -> dict[UUID, JourneyHead]:
        """The clinic's journeys' heads at the latest checkpoint that recorded each (heads
        without a recorded clinic are left out: only the operator sees those)."""
        ids = self.store.clinic_journey_ids(clinic_id)
        return {jid: head for jid, head in self.heads().items() if jid in ids}

    def clinic_checkpoint_ids(self, clinic_id: str) -> set[int]:
        """The checkpoints that recorded a head of one of the clinic's journeys."""
        return self.store.clinic_checkpoint_ids(clinic_id)

    # Inclusion.

    def inclusion(self, leaf_index: int, tree_size: int | None = None) -> InclusionProof:
        """The proof that event ``leaf_index`` (0-based, in log order) is in a signed tree:
        the checkpoint of ``tree_size`` events, or the latest. LookupError when there is
        no such checkpoint or the event is not in it."""
        checkpoint = self.checkpoint_of_size(tree_size)
        if not 0 <= leaf_index < checkpoint.tree_size:
            raise LookupError(
                f"event {leaf_index} is not among the {checkpoint.tree_size} events "
                f"checkpoint {checkpoint.id} signed"
            )
        found: list[bytes] = []

        def remember(entries: Iterable[bytes]) -> Iterator[bytes]:
            for index, entry in enumerate(entries):
                if index == leaf_index:
                    found.append(entry)
                yield leaf_hash(entry)

        try:
            proof = inclusion_proof(
                remember(self._entries(checkpoint.log_position)), leaf_index, checkpoint.tree_size
            )
        except LogTooShortError:
            raise InconsistentLogError(
                f"The log holds fewer events than the {checkpoint.tree_size} that checkpoint "
                f"{checkpoint.id} signed: events were removed."
            ) from None
        leaf = leaf_hash(found[0])
        root = bytes.fromhex(checkpoint.root)
        if not verify_inclusion(leaf, leaf_index, checkpoint.tree_size, proof, root):
            raise InconsistentLogError(
                f"Event {leaf_index} is not in the tree checkpoint {checkpoint.id} signed: "
                "the log was altered."
            )
        return InclusionProof(
            leaf_index=leaf_index,
            tree_size=checkpoint.tree_size,
            entry=found[0].hex(),
            leaf_hash=leaf.hex(),
            proof=[node.hex() for node in proof],
            root=checkpoint.root,
            checkpoint=checkpoint,
        )

    def checkpoint_of_size(self, tree_size: int | None) -> Checkpoint:
        if tree_size is None:
            latest = self.latest()
            if latest is None:
                raise LookupError("no checkpoint has been made yet")
            return latest
        found = self.store.of_size(tree_size)
        if found is None:
            raise LookupError(f"no checkpoint signed a tree of {tree_size} events")
        return found

    def _signature_verifies(self, public_key: bytes, checkpoint: Checkpoint) -> bool:
        try:
            signature = base64.b64decode(checkpoint.signature, validate=True)
            message = checkpoint.message()
        except ValueError:
            return False
        return self.key.verifies(public_key, message, signature)


def checkpoints_of(
    journeys: Callable[[], Journeys],
    store: CheckpointStore,
    key: Signer,
    clock: Callable[[], datetime] = _utc_now,
) -> CheckpointService:
    """The checkpoint service over the journeys' log. ``journeys()`` is asked for the
    application at each use, not now: the service exists while the database is down."""

    def log_leaves(upto: int) -> Iterable[bytes]:
        return leaf_hashes(journeys(), upto)

    def store_size() -> int:
        return journeys().log_position()

    def heads(after: int, upto: int) -> dict[UUID, tuple[int, str, str | None]]:
        return journey_heads(journeys(), after, upto)

    return CheckpointService(store, key, log_leaves, store_size, clock=clock, heads=heads)


def journey_heads(
    journeys: Journeys, after: int, upto: int
) -> dict[UUID, tuple[int, str, str | None]]:
    """Each journey's last version at store positions after..upto, with its chain hash
    and its clinic (read from its opening entry: one decryption per journey)."""
    found: dict[UUID, tuple[int, str]] = {}
    for leaf in leaves(journeys, upto, after=after):
        known = found.get(leaf.journey_id)
        if known is None or known[0] < leaf.version:
            found[leaf.journey_id] = (leaf.version, leaf.hash.hex())
    return {
        journey_id: (version, hash_hex, journeys.clinic_of_stored(journey_id))
        for journey_id, (version, hash_hex) in found.items()
    }
