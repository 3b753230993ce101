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
SELECT s.originator_id, s.originator_version, s.topic, s.state
FROM unnest(%s::uuid[], %s::bigint[]) AS wanted(id, upto)
CROSS JOIN LATERAL (
    SELECT originator_id, originator_version, topic, state FROM {schema}.{table}
    WHERE originator_id = wanted.id AND originator_version <= wanted.upto
    ORDER BY originator_version DESC LIMIT 1
) AS s
""")
"""Each journey's latest snapshot at or before its version: one backward index step."""

PER_JOURNEY_PLAN = ("enable_hashjoin", "enable_mergejoin", "enable_seqscan", "enable_bitmapscan")

EVENTS = SQL("""
SELECT e.originator_id, e.originator_version, e.topic, e.state
FROM unnest(%s::uuid[], %s::bigint[], %s::bigint[]) AS wanted(id, after, upto)
JOIN {schema}.{table} AS e ON e.originator_id = wanted.id
     AND e.originator_version > wanted.after AND e.originator_version <= wanted.upto
""")
"""No ORDER BY: each journey's events are put in order here (they come in order from
its index range already), sparing the server a sort of the whole chunk, which spills
to disk beyond ``work_mem``."""


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
        with recorder.datastore.transaction(commit=False) as cursor:
            # One index range per journey wanted, whatever the planner's statistics: left
            # to itself it hashes the chunk and scans the whole table for every chunk (on
            # a table without statistics, or a chunk that is a good share of the store),
            # so each chunk would cost as much as the store is large.
            for setting in PER_JOURNEY_PLAN:
                cursor.execute(SQL("SET LOCAL {} = off").format(Identifier(setting)))
            cursor.row_factory = tuple_row
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
        for events in found.values():
            events.sort(key=lambda event: event.originator_version)
        return found


def records_for(journeys: Journeys) -> JourneyRecords:
    """The way this store reads a chunk of journeys best."""
    if isinstance(journeys.events.recorder, PostgresAggregateRecorder):
        return PostgresRecords(journeys)
    return RecordsOneByOne(journeys)
