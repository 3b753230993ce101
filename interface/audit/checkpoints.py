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
(``InconsistentLog``) instead of being signed over.

Checkpoints live in the ``audit_checkpoints`` table of the service's own database,
numbered 1, 2, 3...; two processes checkpointing at once cannot both store the same
number, so the chain never forks.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.exc import IntegrityError

from application.audit.leaves import leaf_hashes, leaves
from domain.audit.checkpoint_format import checkpoint_message
from domain.audit.merkle import (
    LogTooShort,
    MerkleAccumulator,
    grow,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from interface.appendonly import protect_append_only
from interface.audit.signing import (
    ALGORITHM,
    SigningKey,
    canonical_time,
    resolve_signing_key,
    verify_signature,
)

if TYPE_CHECKING:
    from application.journeys import Journeys
    from interface.services import Services

log = logging.getLogger("kap.audit.checkpoints")

DEFAULT_EVERY_SECONDS = 300.0
"""How often ``serve`` looks for new events to checkpoint."""

CREATE_ATTEMPTS = 3

metadata = MetaData()

checkpoints_table = Table(
    "audit_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("tree_size", BigInteger, nullable=False),
    Column("root", String(64), nullable=False),
    Column("signed_at", String(32), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("consistency_proof", Text, nullable=False),
    Column("log_position", BigInteger, nullable=False),
)
"""``consistency_proof``: JSON list of hex hashes, from the previous checkpoint's tree.
``log_position``: the store position the checkpoint read up to (not signed)."""

heads_table = Table(
    "audit_checkpoint_heads",
    metadata,
    Column("checkpoint_id", Integer, primary_key=True),
    Column("journey_id", String(36), primary_key=True, index=True),
    Column("version", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("clinic_id", String(64), nullable=True),
)
"""Where each journey written since the previous checkpoint stood at this one: its last
version and chain hash, and its clinic. A journey's latest row is what a cut tail, or a
journey removed whole, is judged against; the clinic decides who may be told of it.
Rows from before the clinic was recorded have none (NULL): see ``interface.audit.anchors``
for who sees those."""

Head = tuple[int, str] | tuple[int, str, str | None]
HeadsReader = Callable[[int, int], Mapping[UUID, Head]]
"""``heads(after, upto)``: each journey with an event at store positions after..upto,
with its last version there, that entry's chain hash (hex) and (optionally) its clinic."""


class InconsistentLog(RuntimeError):  # noqa: N818 - reads as what was found
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


def _row_to_checkpoint(row: Any) -> Checkpoint:
    return Checkpoint(
        id=int(row.id),
        tree_size=int(row.tree_size),
        root=str(row.root),
        signed_at=str(row.signed_at),
        key_id=str(row.key_id),
        signature=str(row.signature),
        consistency_proof=list(json.loads(row.consistency_proof)),
        log_position=int(row.log_position),
    )


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CheckpointService:
    """Create, list and verify the signed checkpoints of one log.

    ``leaves(upto)`` yields the log's entries (each event's 32-byte Merkle entry) at store
    positions 1..``upto``, in log order; ``store_size()`` is the store's last position
    (0 when empty). Neither is called more than once per checkpoint: the log is read in
    one pass, in memory that grows with the logarithm of its length.
    """

    def __init__(
        self,
        engine: sqlalchemy.Engine,
        key: SigningKey,
        leaves: Callable[[int], Iterable[bytes]],
        store_size: Callable[[], int],
        clock: Callable[[], datetime] = _utc_now,
        other_keys: Mapping[str, bytes] | None = None,
        heads: HeadsReader | None = None,
    ) -> None:
        self._engine = engine
        self.key = key
        self._leaves = leaves
        self._store_size = store_size
        self._heads = heads
        self._clock = clock
        self.trusted_keys: dict[str, bytes] = {**(other_keys or {}), key.key_id: key.public_key}
        """Public keys (raw) by key id whose signatures verify: this key and older ones."""
        self._tables_ready = False
        self._tables_lock = threading.Lock()
        self._lock = threading.Lock()

    def create_tables(self) -> None:
        """Create the tables (once) and make them append-only in the database itself."""
        if self._tables_ready:
            return
        with self._tables_lock:
            if self._tables_ready:
                return
            try:
                self._install_tables()
            except sqlalchemy.exc.DatabaseError:
                # Another process created them at the same moment: now they exist.
                self._install_tables()
            self._tables_ready = True

    def _install_tables(self) -> None:
        metadata.create_all(self._engine)
        _add_heads_clinic_column(self._engine)
        for table in metadata.sorted_tables:
            protect_append_only(self._engine, table.name)

    # Reading.

    def all(self) -> list[Checkpoint]:
        self.create_tables()
        with self._engine.connect() as connection:
            rows = connection.execute(select(checkpoints_table).order_by(checkpoints_table.c.id))
            return [_row_to_checkpoint(row) for row in rows]

    def latest(self) -> Checkpoint | None:
        self.create_tables()
        query = select(checkpoints_table).order_by(checkpoints_table.c.id.desc()).limit(1)
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _row_to_checkpoint(row)

    def _entries(self, upto: int) -> Iterator[bytes]:
        for entry in self._leaves(upto):
            if len(entry) != 32:
                raise ValueError(f"a log entry is a 32-byte hash, got {len(entry)} bytes")
            yield entry

    def _leaf_hashes(self, upto: int) -> Iterator[bytes]:
        return (leaf_hash(entry) for entry in self._entries(upto))

    # Creating.

    def create(self) -> Checkpoint | None:
        """Sign the log as it stands; None when nothing was added since the last checkpoint.

        Raises InconsistentLog, and stores nothing, when the log does not extend the
        last signed checkpoint (or that checkpoint's own signature does not verify).
        """
        with self._lock:
            for _ in range(CREATE_ATTEMPTS):
                previous = self.latest()
                position = self._store_size()
                if previous is not None and position < previous.log_position:
                    raise InconsistentLog(
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
                    self._store(checkpoint, heads)
                except IntegrityError:
                    log.info("checkpoint %d was stored by another process; again", checkpoint.id)
                    continue
                log.info("checkpoint %d: %d events", checkpoint.id, checkpoint.tree_size)
                return checkpoint
        raise RuntimeError(f"no checkpoint stored after {CREATE_ATTEMPTS} attempts")

    def _store(self, checkpoint: Checkpoint, heads: Mapping[UUID, Head]) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                checkpoints_table.insert().values(
                    **{
                        **checkpoint.as_dict(),
                        "consistency_proof": json.dumps(checkpoint.consistency_proof),
                    }
                )
            )
            if heads:
                connection.execute(
                    heads_table.insert(),
                    [
                        {
                            "checkpoint_id": checkpoint.id,
                            "journey_id": str(journey_id),
                            "version": head[0],
                            "hash": head[1],
                            "clinic_id": head[2] if len(head) > 2 else None,
                        }
                        for journey_id, head in heads.items()
                    ],
                )

    def _next(self, previous: Checkpoint | None, position: int) -> Checkpoint | None:
        old_size = previous.tree_size if previous else 0
        if previous is not None:
            self._check_signature(previous)
        try:
            growth = grow(self._leaf_hashes(position), old_size)
        except LogTooShort:
            assert previous is not None
            raise InconsistentLog(
                f"The log holds fewer events than the {old_size} that checkpoint "
                f"{previous.id} signed: events were removed."
            ) from None
        if previous is not None and not verify_consistency(
            old_size, growth.size, bytes.fromhex(previous.root), growth.root, growth.proof
        ):
            raise InconsistentLog(
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
        if not _signature_verifies(public, checkpoint):
            raise InconsistentLog(
                f"Checkpoint {checkpoint.id}'s signature does not verify: the stored "
                "checkpoint was altered."
            )

    # Verifying.

    def verify_all(self, against_log: bool = True) -> ChainReport:
        """Every signature, each checkpoint's consistency with the one before and, with
        ``against_log``, every signed root recomputed from the log as it is now."""
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
            problems += self._log_problems(checkpoints)
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
        if not _signature_verifies(public, checkpoint):
            return [
                CheckpointProblem(
                    checkpoint.id,
                    "bad_signature",
                    f"Checkpoint {checkpoint.id}'s signature does not verify.",
                )
            ]
        return []

    def _log_problems(self, checkpoints: Sequence[Checkpoint]) -> list[CheckpointProblem]:
        """Recompute each signed root from the log in one pass; name the first that differs."""
        latest = checkpoints[-1]
        by_size = sorted(checkpoints, key=lambda c: c.tree_size)
        accumulator = MerkleAccumulator()
        pending = iter(by_size)
        due = next(pending, None)
        while due is not None and due.tree_size == 0:
            due = next(pending, None)
        for leaf in self._leaf_hashes(latest.log_position):
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
        self.create_tables()
        latest = select(
            heads_table.c.journey_id,
            sqlalchemy.func.max(heads_table.c.checkpoint_id).label("checkpoint_id"),
        ).group_by(heads_table.c.journey_id)
        if journey_id is not None:
            latest = latest.where(heads_table.c.journey_id == str(journey_id))
        latest_sub = latest.subquery()
        query = select(heads_table).join(
            latest_sub,
            (heads_table.c.journey_id == latest_sub.c.journey_id)
            & (heads_table.c.checkpoint_id == latest_sub.c.checkpoint_id),
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return {
            UUID(str(row.journey_id)): JourneyHead(
                int(row.checkpoint_id), int(row.version), str(row.hash), row.clinic_id
            )
            for row in rows
        }

    def clinic_heads(self, clinic_id: str) -> dict[UUID, JourneyHead]:
        """The clinic's journeys' heads at the latest checkpoint that recorded each (heads
        without a recorded clinic are left out: only the operator sees those)."""
        self.create_tables()
        query = select(heads_table.c.journey_id).where(heads_table.c.clinic_id == clinic_id)
        with self._engine.connect() as connection:
            ids = {UUID(str(j)) for j in connection.execute(query.distinct()).scalars()}
        return {jid: head for jid, head in self.heads().items() if jid in ids}

    def clinic_checkpoint_ids(self, clinic_id: str) -> set[int]:
        """The checkpoints that recorded a head of one of the clinic's journeys."""
        self.create_tables()
        query = (
            select(heads_table.c.checkpoint_id)
            .where(heads_table.c.clinic_id == clinic_id)
            .distinct()
        )
        with self._engine.connect() as connection:
            return {int(i) for i in connection.execute(query).scalars()}

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
        except LogTooShort:
            raise InconsistentLog(
                f"The log holds fewer events than the {checkpoint.tree_size} that checkpoint "
                f"{checkpoint.id} signed: events were removed."
            ) from None
        leaf = leaf_hash(found[0])
        root = bytes.fromhex(checkpoint.root)
        if not verify_inclusion(leaf, leaf_index, checkpoint.tree_size, proof, root):
            raise InconsistentLog(
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
        self.create_tables()
        query = (
            select(checkpoints_table)
            .where(checkpoints_table.c.tree_size == tree_size)
            .order_by(checkpoints_table.c.id)
            .limit(1)
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            raise LookupError(f"no checkpoint signed a tree of {tree_size} events")
        return _row_to_checkpoint(row)


def _signature_verifies(public_key: bytes, checkpoint: Checkpoint) -> bool:
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
        message = checkpoint.message()
    except ValueError:
        return False
    return verify_signature(public_key, message, signature)


def _add_heads_clinic_column(engine: sqlalchemy.Engine) -> None:
    """Heads tables made before heads named their clinic get the column; their rows keep
    NULL (append-only: nothing is rewritten), and only the operator sees those heads."""
    columns = {c["name"] for c in sqlalchemy.inspect(engine).get_columns(heads_table.name)}
    if "clinic_id" not in columns:
        with engine.begin() as connection:
            connection.execute(
                sqlalchemy.text(f"ALTER TABLE {heads_table.name} ADD COLUMN clinic_id VARCHAR(64)")
            )


def public_listing(service: CheckpointService) -> dict[str, Any]:
    """The body of ``GET /v1/audit/checkpoints``: the public key and every checkpoint."""
    return {
        "public_key": service.key.public_key_b64,
        "key_id": service.key.key_id,
        "algorithm": ALGORITHM,
        "checkpoints": [checkpoint.public() for checkpoint in service.all()],
    }


# What one clinic's auditor may see (``GET /v1/audit/checkpoints`` and its proofs).


def clinic_checkpoints(service: CheckpointService, clinic_id: str) -> list[Checkpoint]:
    """The signed checkpoints a clinic may see, oldest first: those that recorded a head
    of one of its journeys. The listing and the clinic's evidence bundles both show these."""
    visible = service.clinic_checkpoint_ids(clinic_id)
    return [c for c in service.all() if c.id in visible]


def clinic_listing(service: CheckpointService, clinic_id: str) -> dict[str, Any]:
    """The public key, the signed checkpoints that recorded one of the clinic's journeys,
    and where each of its journeys stood at the latest checkpoint that recorded it.

    Without the stored consistency proofs: each leads from the store's previous
    checkpoint, which the clinic may not see, and its length tells that tree's size. The
    clinic's evidence bundle proves its checkpoints consistent with one another."""
    checkpoints = clinic_checkpoints(service, clinic_id)
    sizes = {c.id: c.tree_size for c in checkpoints}
    heads = service.clinic_heads(clinic_id)
    return {
        "public_key": service.key.public_key_b64,
        "key_id": service.key.key_id,
        "algorithm": ALGORITHM,
        "checkpoints": [
            {k: v for k, v in c.public().items() if k != "consistency_proof"} for c in checkpoints
        ],
        "journeys": [
            {
                "journey_id": str(journey_id),
                "tree_size": sizes[head.checkpoint],
                "version": head.version,
                "hash": head.hash,
            }
            for journey_id, head in sorted(heads.items(), key=lambda item: str(item[0]))
        ],
    }


def clinic_inclusion(
    service: CheckpointService,
    journeys: Journeys,
    clinic_id: str,
    leaf_index: int,
    tree_size: int,
) -> InclusionProof:
    """The inclusion proof of one of the clinic's own events, in a checkpoint the clinic
    may see. Every other case (no such tree, a tree it may not see, no such event,
    another clinic's event) is the same LookupError, so probing reveals nothing."""
    nothing = LookupError(
        f"No event {leaf_index} of your clinic's journeys in a checkpoint of {tree_size} events."
    )
    try:
        checkpoint = service.checkpoint_of_size(tree_size)
    except LookupError:
        raise nothing from None
    if checkpoint.id not in service.clinic_checkpoint_ids(clinic_id):
        raise nothing
    journey_id = _journey_at(journeys, checkpoint.log_position, leaf_index)
    if journey_id is None or journeys.clinic_of_stored(journey_id) != clinic_id:
        raise nothing
    return service.inclusion(leaf_index, checkpoint.tree_size)


def _journey_at(journeys: Journeys, upto: int, leaf_index: int) -> UUID | None:
    """Whose entry is leaf ``leaf_index`` of the log up to store position ``upto``."""
    for index, leaf in enumerate(leaves(journeys, upto)):
        if index == leaf_index:
            return leaf.journey_id
    return None


# The service of a running app, and the periodic checkpoint of ``serve``.

_services: weakref.WeakKeyDictionary[Services, CheckpointService] = weakref.WeakKeyDictionary()
_services_lock = threading.Lock()


def checkpoint_service_for(services: Services) -> CheckpointService:
    """The one CheckpointService of a running app (its key resolved once)."""
    with _services_lock:
        found = _services.get(services)
        if found is None:
            found = _build(services)
            _services[services] = found
        return found


def _build(services: Services) -> CheckpointService:
    def leaves(upto: int) -> Iterable[bytes]:
        return leaf_hashes(services.journeys, upto)

    def store_size() -> int:
        return services.journeys.recorder.max_notification_id() or 0

    def heads(after: int, upto: int) -> dict[UUID, tuple[int, str, str | None]]:
        return journey_heads(services.journeys, after, upto)

    return CheckpointService(
        services.engine,
        resolve_signing_key(services.settings),
        leaves,
        store_size,
        clock=services.clock,
        heads=heads,
    )


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


class PeriodicCheckpoints:
    """The running periodic checkpoint; ``set()`` stops it and waits for the thread, so
    nothing is still using the database when the service closes its connections."""

    def __init__(self, stop: threading.Event, thread: threading.Thread) -> None:
        self._stop = stop
        self._thread = thread

    def set(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


def start_periodic_checkpoints(
    service: CheckpointService,
    every_seconds: float = DEFAULT_EVERY_SECONDS,
    *,
    immediately: bool = True,
) -> PeriodicCheckpoints:
    """Checkpoint from a daemon thread every ``every_seconds`` when there are new events.

    Returns what stops it: ``.set()``. An inconsistent log is logged as an error on every
    attempt (and nothing is signed); other failures (a database that is down) are logged
    and retried at the next tick.
    """
    stop = threading.Event()

    def attempt() -> None:
        try:
            service.create()
        except InconsistentLog as error:
            log.error("checkpoint refused: %s", error)
        except Exception:
            log.exception("checkpoint failed; trying again in %s s", every_seconds)

    def run() -> None:
        if immediately:
            attempt()
        while not stop.wait(every_seconds):
            attempt()

    thread = threading.Thread(target=run, name="kap-checkpoints", daemon=True)
    thread.start()
    return PeriodicCheckpoints(stop, thread)
