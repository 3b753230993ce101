"""The stored records that rebuild a chunk of journeys, read in bulk where it pays.

On PostgreSQL, where each query is a round trip, a chunk of journeys takes two queries
(``application.projections.loading.JourneyRecords``): every journey's latest snapshot
at or before its version, then all the events after those snapshots, each joined
against ``unnest`` of the chunk's ids and versions. SQLite runs in-process, where a
query costs little more than a call: the library's recorders are asked one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from application.journeys import Journeys
from application.projections.loading import JourneyRecords, RecordsOneByOne, Wanted

SNAPSHOTS = SQL("""
SELECT DISTINCT ON (s.originator_id)
       s.originator_id, s.originator_version, s.topic, s.state
FROM unnest(%s::uuid[], %s::bigint[]) AS wanted(id, upto)
JOIN {schema}.{table} AS s ON s.originator_id = wanted.id AND s.originator_version <= wanted.upto
ORDER BY s.originator_id, s.originator_version DESC
""")

EVENTS = SQL("""
SELECT e.originator_id, e.originator_version, e.topic, e.state
FROM unnest(%s::uuid[], %s::bigint[], %s::bigint[]) AS wanted(id, after, upto)
JOIN {schema}.{table} AS e ON e.originator_id = wanted.id
     AND e.originator_version > wanted.after AND e.originator_version <= wanted.upto
ORDER BY e.originator_id, e.originator_version
""")


def _stored(row: tuple[Any, ...]) -> StoredEvent:
    originator_id, version, topic, state = row
    return StoredEvent(
        originator_id=originator_id,
        originator_version=version,
        topic=topic,
        state=bytes(state),
    )


class PostgresRecords:
    """Two queries per chunk of journeys, whatever its size."""

    def __init__(self, journeys: Journeys) -> None:
        self.events_recorder: Any = journeys.events.recorder
        self.snapshots_recorder: Any = journeys.snapshots.recorder if journeys.snapshots else None

    @staticmethod
    def _rows(recorder: Any, statement: SQL, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        query = statement.format(
            schema=Identifier(recorder.datastore.schema),
            table=Identifier(recorder.events_table_name),
        )
        with (
            recorder.datastore.get_connection() as connection,
            connection.cursor(row_factory=tuple_row) as cursor,
        ):
            cursor.execute(query, params)
            return list(cursor.fetchall())

    def snapshots(self, wanted: Wanted) -> dict[UUID, StoredEvent]:
        if self.snapshots_recorder is None or not wanted:
            return {}
        ids = [journey_id for journey_id, _ in wanted]
        upto = [version for _, version in wanted]
        rows = self._rows(self.snapshots_recorder, SNAPSHOTS, (ids, upto))
        return {row[0]: _stored(row) for row in rows}

    def events(self, wanted: Sequence[tuple[UUID, int, int]]) -> dict[UUID, list[StoredEvent]]:
        if not wanted:
            return {}
        columns = list(zip(*wanted, strict=True))
        rows = self._rows(self.events_recorder, EVENTS, [list(c) for c in columns])
        found: dict[UUID, list[StoredEvent]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(_stored(row))
        return found


def records_for(journeys: Journeys) -> JourneyRecords:
    """The way this store reads a chunk of journeys best."""
    if isinstance(journeys.events.recorder, PostgresAggregateRecorder):
        return PostgresRecords(journeys)
    return RecordsOneByOne(journeys)
