"""The library's SQLite persistence, whose application recorder answers as a ``JourneyLog``
(``application.journey_log``): the queries the library has no method for.

Selected with PERSISTENCE_MODULE=interface.storage.sqlite (see
``interface.storage.environment``). A SQLite event's position is its rowid.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteFactory

from application.journey_log import HEADER_BYTES, SEAL_MAGICS, HeaderRow, WholeRow

TOPIC = f"{__name__}:Factory"
"""PERSISTENCE_MODULE for this store (the module holds the library's factory too)."""
PAGE = 20000
_SEALED = ", ".join(f"X'{magic.hex()}'" for magic in SEAL_MAGICS)


class SQLiteJourneyLog(SQLiteApplicationRecorder):
    def log_position(self) -> int:
        return self.max_notification_id() or 0

    def positions_of(self, journey_id: UUID) -> dict[int, int]:
        statement = (
            f"SELECT originator_version, rowid FROM {self.events_table_name} "  # noqa: S608 - table name is the library's own
            "WHERE originator_id = ?"
        )
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (journey_id.hex,))
            return {int(row[0]): int(row[1]) for row in cursor.fetchall()}

    def latest_versions(
        self, upto: int, after: UUID | None = None, limit: int | None = None
    ) -> list[tuple[UUID, int]]:
        # Ids are stored as 32 hex digits, which sort as the UUIDs do.
        statement = (
            f"SELECT originator_id, MAX(originator_version) FROM {self.events_table_name} "  # noqa: S608 - table name is the library's own
            "WHERE rowid <= ? AND originator_id > ? "
            "GROUP BY originator_id ORDER BY originator_id LIMIT ?"
        )
        start = "" if after is None else after.hex
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (upto, start, -1 if limit is None else limit))
            return [(UUID(str(row[0])), int(row[1])) for row in cursor.fetchall()]

    def journey_count(self, upto: int) -> int:
        statement = (
            f"SELECT COUNT(DISTINCT originator_id) FROM {self.events_table_name} "  # noqa: S608 - table name is the library's own
            "WHERE rowid <= ?"
        )
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (upto,))
            return int(cursor.fetchone()[0])

    def header_rows(self, after: int, upto: int) -> Iterator[HeaderRow]:
        columns = (
            f"substr(state, 1, {HEADER_BYTES}), "
            f"CASE WHEN substr(state, 1, 8) IN ({_SEALED}) THEN NULL ELSE state END"
        )
        for position, originator, version, head, state in self._pages(columns, after, upto):
            unsealed = None if state is None else bytes(state)
            yield HeaderRow(position, UUID(hex=str(originator)), version, bytes(head), unsealed)

    def whole_rows(self, after: int, upto: int) -> Iterator[WholeRow]:
        for position, originator, version, topic, state in self._pages("topic, state", after, upto):
            yield WholeRow(position, UUID(hex=str(originator)), version, str(topic), bytes(state))

    def _pages(self, columns: str, after: int, upto: int) -> Iterator[Any]:
        statement = (
            f"SELECT rowid, originator_id, originator_version, {columns} "  # noqa: S608 - the library's table
            f"FROM {self.events_table_name} WHERE rowid > ? AND rowid <= ? "
            "ORDER BY rowid LIMIT ?"
        )
        start = after
        while True:
            with self.datastore.transaction(commit=False) as cursor:
                cursor.execute(statement, (start, upto, PAGE))
                rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            start = rows[-1][0]


class Factory(SQLiteFactory):
    application_recorder_class = SQLiteJourneyLog
