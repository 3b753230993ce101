"""A what-if, not the project's code: ``Projector.rebuild`` with journeys loaded in bulk.

The project's rebuild loads each journey with ``repository.get(id, version=v)``: two
queries (its latest snapshot, then the events after it), each on a connection checked
out of the pool (and pinged first, ``POSTGRES_PRE_PING=y``), so four round trips per
journey. This prototype loads a whole chunk of journeys with two queries: every
journey's latest snapshot at or before its version, then all the events after those
snapshots. Decoding (decrypt, decompress, JSON, upcasting) and the fold are the
library's own (``mapper.to_domain_event``, ``event.mutate``), and the rows and their
transaction are the project's (``GenerationTarget.apply``), so the rows come out the
same; the benchmark checks that they do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from psycopg.sql import SQL, Identifier

from application.journeys import Journeys
from domain.journey import Journey

SNAPSHOTS = """
SELECT DISTINCT ON (s.originator_id)
       s.originator_id, s.originator_version, s.topic, s.state
FROM unnest(%s::uuid[], %s::bigint[]) AS wanted(id, upto)
JOIN {schema}.{table} AS s ON s.originator_id = wanted.id AND s.originator_version <= wanted.upto
ORDER BY s.originator_id, s.originator_version DESC
"""

EVENTS = """
SELECT e.originator_id, e.originator_version, e.topic, e.state
FROM unnest(%s::uuid[], %s::bigint[], %s::bigint[]) AS wanted(id, after, upto)
JOIN {schema}.{table} AS e ON e.originator_id = wanted.id
     AND e.originator_version > wanted.after AND e.originator_version <= wanted.upto
ORDER BY e.originator_id, e.originator_version
"""


def _stored(row: dict[str, Any]) -> StoredEvent:
    return StoredEvent(
        originator_id=row["originator_id"],
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=bytes(row["state"]),
    )


def load_many(app: Journeys, chunk: Sequence[tuple[UUID, int]]) -> list[Journey]:
    """Each journey of ``chunk`` at its version, with two queries for the whole chunk."""
    events_recorder: Any = app.recorder
    snapshots_recorder: Any = app.snapshots.recorder if app.snapshots else None
    datastore = events_recorder.datastore
    ids = [journey_id for journey_id, _ in chunk]
    upto = [version for _, version in chunk]
    snapshots: dict[UUID, dict[str, Any]] = {}
    with datastore.get_connection() as conn, conn.cursor() as cursor:
        if snapshots_recorder is not None:
            cursor.execute(
                SQL(SNAPSHOTS).format(
                    schema=Identifier(datastore.schema),
                    table=Identifier(snapshots_recorder.events_table_name),
                ),
                (ids, upto),
            )
            snapshots = {row["originator_id"]: row for row in cursor.fetchall()}
        after = [snapshots[i]["originator_version"] if i in snapshots else 0 for i in ids]
        cursor.execute(
            SQL(EVENTS).format(
                schema=Identifier(datastore.schema),
                table=Identifier(events_recorder.events_table_name),
            ),
            (ids, after, upto),
        )
        events: dict[UUID, list[dict[str, Any]]] = {}
        for row in cursor.fetchall():
            events.setdefault(row["originator_id"], []).append(row)
    mapper = app.mapper
    loaded = []
    for journey_id in ids:
        rows = ([snapshots[journey_id]] if journey_id in snapshots else []) + events.get(
            journey_id, []
        )
        aggregate: Any = None
        for row in rows:
            aggregate = mapper.to_domain_event(_stored(row)).mutate(aggregate)  # type: ignore[attr-defined]
        loaded.append(aggregate)
    return loaded


def bulk_rebuild(
    app: Journeys,
    target: Any,
    end: int,
    batch: int,
    load: Callable[[Journeys, Sequence[tuple[UUID, int]]], list[Journey]] = load_many,
) -> int:
    """``Projector.rebuild`` with ``load_many`` in place of one ``repository.get`` each."""
    since = target.current_position()
    if since.position != 0:
        raise ValueError("rebuild needs an empty generation")
    latest = app.journey_log.latest_versions(end)
    for start in range(0, len(latest), batch):
        chunk = latest[start : start + batch]
        if not target.apply(load(app, chunk), since, since.position):
            raise RuntimeError("another writer changed a generation being rebuilt")
    if not target.apply([], since, end):
        raise RuntimeError("another writer changed a generation being rebuilt")
    return len(latest)
