"""An intruder with database access: raw SQL on the events table, triggers dropped first."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg

from application.journeys import Journeys
from application.sealed_mapper import MAGIC, split_state, v2_header
from domain.audit.stored import stored_hash
from interface.storage.appendonly import protect_event_store, trigger_names
from interface.storage.engine import create_sql_engine


class Intruder:
    def __init__(self, database_url: str, app: Journeys) -> None:
        self.url = database_url
        self.table = app.recorder.events_table_name
        self.postgres = database_url.startswith("postgresql")
        engine = create_sql_engine(database_url)
        protect_event_store(engine, self.table)
        self.triggers = trigger_names(engine, self.table)
        engine.dispose()

    @contextmanager
    def _sql(self) -> Iterator[Any]:
        if self.postgres:
            with psycopg.connect(self.url, autocommit=True) as connection:
                yield connection
        else:
            connection = sqlite3.connect(self.url.removeprefix("sqlite:///"))
            try:
                yield connection
                connection.commit()
            finally:
                connection.close()

    def _id(self, journey_id: UUID) -> Any:
        return journey_id if self.postgres else journey_id.hex

    def _run(self, statement: str, *params: Any) -> list[Any]:
        if self.postgres:
            statement = statement.replace("?", "%s")
        with self._sql() as sql:
            cursor = sql.execute(statement, params)
            return list(cursor.fetchall()) if cursor.description else []

    def drop_protection(self) -> None:
        for name in self.triggers:
            on = f" ON {self.table}" if self.postgres else ""
            self._run(f"DROP TRIGGER IF EXISTS {name}{on}")

    def row(self, journey_id: UUID, version: int) -> tuple[bytes, str]:
        ((state, topic),) = self._run(
            f"SELECT state, topic FROM {self.table} WHERE originator_id = ? "
            "AND originator_version = ?",
            self._id(journey_id),
            version,
        )
        return bytes(state), str(topic)

    def overwrite(
        self, journey_id: UUID, version: int, state: bytes, topic: str | None = None
    ) -> None:
        topic = topic or self.row(journey_id, version)[1]
        self._run(
            f"UPDATE {self.table} SET state = ?, topic = ? "
            "WHERE originator_id = ? AND originator_version = ?",
            state,
            topic,
            self._id(journey_id),
            version,
        )

    def delete(self, journey_id: UUID, from_version: int, to_version: int | None = None) -> None:
        self._run(
            f"DELETE FROM {self.table} WHERE originator_id = ? "
            "AND originator_version >= ? AND originator_version <= ?",
            self._id(journey_id),
            from_version,
            to_version or 10**9,
        )

    def swap(self, journey_id: UUID, first: int, second: int) -> None:
        a, b = self.row(journey_id, first), self.row(journey_id, second)
        self.overwrite(journey_id, first, *b)
        self.overwrite(journey_id, second, *a)


def forged_seal(
    state: bytes, topic: str, *, digest: str | None = None, hash: str | None = None
) -> bytes:
    """The state with its seal rewritten as a careful intruder would: a well-formed
    KAPSEAL2 header whose ``stored`` is recomputed over the row as it now is."""
    seal, body = split_state(state)
    assert seal is not None
    digest, hash = digest or seal.digest, hash or seal.hash
    return MAGIC + v2_header(digest, hash, stored_hash(topic, digest, hash, body)) + b"\n" + body
