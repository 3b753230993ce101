"""Read the seals in the clear straight from the events table, in log order, page by page
(nothing decrypted).

Two reads: ``with_body`` (what ``audit verify`` runs) reads each row's topic and whole
state once, and checks a ``KAPSEAL2`` seal's ``stored`` against the bytes; without it
(what signing and checking checkpoints needs) only each state's header bytes are read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

from application.sealed_mapper import MAGIC_V1, MAGIC_V2, MalformedSeal, split_state
from domain.audit.stored import merkle_entry, stored_hash

HEADER_BYTES = 320  # MAGIC + {"digest","hash","stored": 64 hex each} is 236 bytes
PAGE = 20000
_SEALED_SQLITE = f"X'{MAGIC_V1.hex()}', X'{MAGIC_V2.hex()}'"
_SEALED_POSTGRES = f"'\\x{MAGIC_V1.hex()}'::bytea, '\\x{MAGIC_V2.hex()}'::bytea"


@dataclass(frozen=True)
class StoredSealRow:
    position: int
    journey_id: UUID
    version: int
    digest: str | None
    hash: bytes
    """The chain hash; for an entry from before sealing, SHA-256 of its stored bytes."""
    stored: bytes | None = None
    """A ``KAPSEAL2`` seal's hash of the stored bytes, as its header claims."""
    intact: bool | None = None
    """Read with the body: whether the row's bytes are those ``stored`` was written over
    (False also for a header that no longer reads); None when there is nothing to check."""

    @property
    def leaf(self) -> bytes:
        """This entry as the Merkle tree holds it (``domain.audit.stored.merkle_entry``)."""
        return merkle_entry(self.hash, self.stored)


def _unsealed(position: int, journey_id: UUID, version: int, state: bytes) -> StoredSealRow:
    return StoredSealRow(position, journey_id, version, None, hashlib.sha256(state).digest())


def _row(
    position: int, journey_id: UUID, version: int, head: bytes, full: bytes | None
) -> StoredSealRow:
    """From the header bytes (``full``: the whole state of a row without a seal)."""
    try:
        seal, _ = split_state(head) if b"\n" in head else (None, head)
    except MalformedSeal:
        seal = None
    if seal is None:
        return _unsealed(position, journey_id, version, full if full is not None else head)
    stored = bytes.fromhex(seal.stored) if seal.stored is not None else None
    return StoredSealRow(
        position, journey_id, version, seal.digest, bytes.fromhex(seal.hash), stored
    )


def _checked_row(
    position: int, journey_id: UUID, version: int, topic: str, state: bytes
) -> StoredSealRow:
    """From the whole row, its stored bytes checked against its seal."""
    try:
        seal, body = split_state(state)
    except MalformedSeal:
        return StoredSealRow(
            position, journey_id, version, None, hashlib.sha256(state).digest(), intact=False
        )
    if seal is None:
        return _unsealed(position, journey_id, version, state)
    if seal.stored is None:
        return StoredSealRow(position, journey_id, version, seal.digest, bytes.fromhex(seal.hash))
    intact = stored_hash(topic, seal.digest, seal.hash, body) == seal.stored
    return StoredSealRow(
        position,
        journey_id,
        version,
        seal.digest,
        bytes.fromhex(seal.hash),
        bytes.fromhex(seal.stored),
        intact,
    )


def seal_rows(
    recorder: ApplicationRecorder, upto: int, after: int = 0, with_body: bool = False
) -> Iterator[StoredSealRow]:
    """Every entry at positions after..upto, in log order."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        yield from _sqlite_rows(recorder, upto, after, with_body)
    elif isinstance(recorder, PostgresApplicationRecorder):
        yield from _postgres_rows(recorder, upto, after, with_body)
    else:
        raise TypeError(f"no seal scan for {type(recorder).__name__}")


def _sqlite_rows(
    recorder: SQLiteApplicationRecorder, upto: int, after: int, with_body: bool
) -> Iterator[StoredSealRow]:
    columns = (
        "topic, state"
        if with_body
        else f"substr(state, 1, {HEADER_BYTES}), "
        f"CASE WHEN substr(state, 1, 8) IN ({_SEALED_SQLITE}) THEN NULL ELSE state END"
    )
    statement = (
        f"SELECT rowid, originator_id, originator_version, {columns} "  # noqa: S608 - the library's table
        f"FROM {recorder.events_table_name} WHERE rowid > ? AND rowid <= ? "
        "ORDER BY rowid LIMIT ?"
    )
    start = after
    while True:
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (start, upto, PAGE))
            rows = cursor.fetchall()
        if not rows:
            return
        for position, originator, version, first, second in rows:
            journey_id = UUID(hex=str(originator))
            if with_body:
                yield _checked_row(position, journey_id, version, str(first), bytes(second))
            else:
                full = None if second is None else bytes(second)
                yield _row(position, journey_id, version, bytes(first), full)
        start = rows[-1][0]


def _postgres_rows(
    recorder: PostgresApplicationRecorder, upto: int, after: int, with_body: bool
) -> Iterator[StoredSealRow]:
    columns = (
        SQL("topic AS first, state AS second")
        if with_body
        else SQL(
            "substring(state from 1 for {n}) AS first, "
            "CASE WHEN substring(state from 1 for 8) IN ({sealed}) "
            "THEN NULL ELSE state END AS second"
        ).format(n=SQL(str(HEADER_BYTES)), sealed=SQL(_SEALED_POSTGRES))
    )
    query = SQL(
        "SELECT notification_id, originator_id, originator_version, {columns} "
        "FROM {schema}.{table} WHERE notification_id > %s AND notification_id <= %s "
        "ORDER BY notification_id"
    ).format(
        columns=columns,
        schema=Identifier(recorder.datastore.schema),
        table=Identifier(recorder.events_table_name),
    )
    # Bounded id ranges, not LIMIT: the plan stays an index range scan even before the
    # table has statistics (with LIMIT, an unanalyzed table was scanned whole per page).
    for start in range(after, upto, PAGE):
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (start, min(start + PAGE, upto)))
            rows = cursor.fetchall()
        for row in rows:
            journey_id = UUID(str(row["originator_id"]))
            position, version = row["notification_id"], row["originator_version"]
            if with_body:
                yield _checked_row(
                    position, journey_id, version, str(row["first"]), bytes(row["second"])
                )
            else:
                second = row["second"]
                full = None if second is None else bytes(second)
                yield _row(position, journey_id, version, bytes(row["first"]), full)
