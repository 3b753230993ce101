"""Where a journey's events stand in the store's global log (their notification ids).

The library returns a position when an event is saved; history and idempotent replays
need it again later, so it is read back from the events table by (journey, version).
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier


def positions_of(recorder: ApplicationRecorder, journey_id: UUID) -> dict[int, int]:
    """Map each version of the journey to its position in the global log."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        statement = (
            f"SELECT originator_version, rowid FROM {recorder.events_table_name} "  # noqa: S608 - table name is the library's own
            "WHERE originator_id = ?"
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (journey_id.hex,))
            return {int(row[0]): int(row[1]) for row in cursor.fetchall()}
    if isinstance(recorder, PostgresApplicationRecorder):
        query = SQL(
            "SELECT originator_version, notification_id FROM {schema}.{table} "
            "WHERE originator_id = %s"
        ).format(
            schema=Identifier(recorder.datastore.schema),
            table=Identifier(recorder.events_table_name),
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (journey_id,))
            return {
                int(row["originator_version"]): int(row["notification_id"])
                for row in cursor.fetchall()
            }
    raise TypeError(f"no position lookup for {type(recorder).__name__}")


def latest_versions(recorder: ApplicationRecorder, upto: int) -> list[tuple[UUID, int]]:
    """Each journey in the log up to position ``upto``, with its last version there.

    A rebuild loads each journey once, at that version, instead of replaying the log.
    """
    if isinstance(recorder, SQLiteApplicationRecorder):
        statement = (
            f"SELECT originator_id, MAX(originator_version) FROM {recorder.events_table_name} "  # noqa: S608 - table name is the library's own
            "WHERE rowid <= ? GROUP BY originator_id ORDER BY originator_id"
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (upto,))
            return [(UUID(str(row[0])), int(row[1])) for row in cursor.fetchall()]
    if isinstance(recorder, PostgresApplicationRecorder):
        query = SQL(
            "SELECT originator_id, MAX(originator_version) AS version FROM {schema}.{table} "
            "WHERE notification_id <= %s GROUP BY originator_id ORDER BY originator_id"
        ).format(
            schema=Identifier(recorder.datastore.schema),
            table=Identifier(recorder.events_table_name),
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (upto,))
            return [
                (UUID(str(row["originator_id"])), int(row["version"])) for row in cursor.fetchall()
            ]
    raise TypeError(f"no version lookup for {type(recorder).__name__}")
