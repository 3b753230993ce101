"""Read the seals in the clear straight from the events table: just the header bytes of
each stored state, in log order, page by page (nothing decrypted, little transferred)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

from application.sealed_mapper import split_state

HEADER_BYTES = 256  # MAGIC + {"digest": 64 hex, "hash": 64 hex} fits well within
PAGE = 20000


@dataclass(frozen=True)
class StoredSealRow:
    position: int
    journey_id: UUID
    version: int
    digest: str | None
    hash: bytes
    """The chain hash; for an entry from before sealing, SHA-256 of its stored bytes."""


def _row(
    position: int, originator: object, version: int, head: bytes, full: bytes | None
) -> StoredSealRow:
    seal, _ = split_state(head) if b"\n" in head else (None, head)
    if seal is None:
        digest = hashlib.sha256(full if full is not None else head).digest()
        return StoredSealRow(position, UUID(str(originator)), version, None, digest)
    return StoredSealRow(
        position, UUID(str(originator)), version, seal.digest, bytes.fromhex(seal.hash)
    )


def seal_rows(recorder: ApplicationRecorder, upto: int, after: int = 0) -> Iterator[StoredSealRow]:
    """Every entry at positions after..upto, in log order."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        statement = (
            f"SELECT rowid, originator_id, originator_version, substr(state, 1, {HEADER_BYTES}), "  # noqa: S608 - the library's table
            f"CASE WHEN substr(state, 1, 8) = X'4b41505345414c31' THEN NULL ELSE state END "
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
            for position, originator, version, head, full in rows:
                yield _row(
                    position,
                    UUID(hex=str(originator)),
                    version,
                    bytes(head),
                    None if full is None else bytes(full),
                )
            start = rows[-1][0]
    elif isinstance(recorder, PostgresApplicationRecorder):
        query = SQL(
            "SELECT notification_id, originator_id, originator_version, "
            "substring(state from 1 for {n}) AS head, "
            "CASE WHEN substring(state from 1 for 8) = '\\x4b41505345414c31'::bytea "
            "THEN NULL ELSE state END AS full_state "
            "FROM {schema}.{table} WHERE notification_id > %s AND notification_id <= %s "
            "ORDER BY notification_id"
        ).format(
            n=SQL(str(HEADER_BYTES)),
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
                full = row["full_state"]
                yield _row(
                    row["notification_id"],
                    row["originator_id"],
                    row["originator_version"],
                    bytes(row["head"]),
                    None if full is None else bytes(full),
                )
    else:
        raise TypeError(f"no seal scan for {type(recorder).__name__}")
