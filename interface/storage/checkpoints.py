"""The SQL home of signed checkpoints: the ``audit_checkpoints`` and
``audit_checkpoint_heads`` tables of the service's own database, append-only in the
database itself, behind ``application.audit.checkpoints.CheckpointStore``.

Checkpoints are numbered 1, 2, 3... by their primary key: two processes checkpointing
at once cannot both store the same number (``CheckpointTakenError``), so the chain never forks.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import sqlalchemy
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.exc import IntegrityError

from application.audit.checkpoints import Checkpoint, CheckpointTakenError, Head, JourneyHead
from interface.storage.appendonly import protect_append_only

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


class SqlCheckpointStore:
    """Checkpoints and heads in SQL tables (SQLite or PostgreSQL), made on first use."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine
        self._tables_ready = False
        self._tables_lock = threading.Lock()

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

    def of_size(self, tree_size: int) -> Checkpoint | None:
        self.create_tables()
        query = (
            select(checkpoints_table)
            .where(checkpoints_table.c.tree_size == tree_size)
            .order_by(checkpoints_table.c.id)
            .limit(1)
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _row_to_checkpoint(row)

    def add(self, checkpoint: Checkpoint, heads: Mapping[UUID, Head]) -> None:
        self.create_tables()
        try:
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
        except IntegrityError as error:
            raise CheckpointTakenError(f"checkpoint {checkpoint.id} is stored already") from error

    def heads(self, journey_id: UUID | None = None) -> dict[UUID, JourneyHead]:
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

    def clinic_journey_ids(self, clinic_id: str) -> set[UUID]:
        self.create_tables()
        query = select(heads_table.c.journey_id).where(heads_table.c.clinic_id == clinic_id)
        with self._engine.connect() as connection:
            return {UUID(str(j)) for j in connection.execute(query.distinct()).scalars()}

    def clinic_checkpoint_ids(self, clinic_id: str) -> set[int]:
        self.create_tables()
        query = (
            select(heads_table.c.checkpoint_id)
            .where(heads_table.c.clinic_id == clinic_id)
            .distinct()
        )
        with self._engine.connect() as connection:
            return {int(i) for i in connection.execute(query).scalars()}


def _add_heads_clinic_column(engine: sqlalchemy.Engine) -> None:
    """Heads tables made before heads named their clinic get the column; their rows keep
    NULL (append-only: nothing is rewritten), and only the operator sees those heads."""
    columns = {c["name"] for c in sqlalchemy.inspect(engine).get_columns(heads_table.name)}
    if "clinic_id" not in columns:
        with engine.begin() as connection:
            connection.execute(
                sqlalchemy.text(f"ALTER TABLE {heads_table.name} ADD COLUMN clinic_id VARCHAR(64)")
            )
