"""The library's PostgreSQL persistence, with deadlines on every connection
(``interface.storage.deadlines``), failing fast instead of retrying, and an application
recorder that answers as a ``JourneyLog`` (``application.journey_log``).

Selected with PERSISTENCE_MODULE=interface.storage.postgres (see
``interface.storage.environment``). A PostgreSQL event's position is its notification_id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    IntegrityError,
    InternalError,
    OperationalError,
    ProgrammingError,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
)
from eventsourcing.utils import Environment, EnvType
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composable, Identifier

from application.journey_log import HEADER_BYTES, SEAL_MAGICS, HeaderRow, WholeRow
from interface.storage.deadlines import (
    CheckedOutAlivePool,
    DeadlineConnection,
    DeadlineDatastore,
    connection_options,
    once_more_if_dead,
)

TOPIC = f"{__name__}:Factory"
"""PERSISTENCE_MODULE for this store (the module holds the library's factory too)."""
PAGE = 20000
TABLE_CREATION_TRIES = 3
TABLE_CREATION_LOCK = 0x4B41505F4A4F5552  # "KAP_JOUR": this service's table creation
_SEALED = ", ".join(f"'\\x{magic.hex()}'::bytea" for magic in SEAL_MAGICS)


def create_table_beside_others(datastore: Any, create: Callable[[], None]) -> None:
    """Processes starting together on a fresh database each create the tables, and two
    CREATE TABLE IF NOT EXISTS race in PostgreSQL (a duplicate row type, or "tuple
    concurrently updated"). A transaction-scoped advisory lock, held on its own
    connection while ``create`` runs, lets one process create at a time; the others then
    find the tables made. A few tries remain for a server that drops the lock holder."""
    for attempt in range(TABLE_CREATION_TRIES):
        try:
            with datastore.transaction(commit=False) as lock:
                lock.execute(SQL("SELECT pg_advisory_xact_lock(%s)"), (TABLE_CREATION_LOCK,))
                create()
        except (IntegrityError, InternalError, OperationalError, ProgrammingError):
            if attempt == TABLE_CREATION_TRIES - 1:
                raise
            continue
        return


# The library retries a failed read or write ten times over (0.2 s apart): through a
# stall that is ten deadlines. Fail once and answer 503; clients retry with their
# idempotency keys. The pool checks each connection it hands out on its socket (no
# round trip, see ``CheckedOutAlivePool``), and a read that still meets a dead
# connection runs once more. A write does not: a connection lost around its commit
# leaves unknown whether it was stored, and the client's retry (same idempotency key)
# is what finds out.
class FailFastAggregateRecorder(PostgresAggregateRecorder):
    insert_events = PostgresAggregateRecorder.insert_events.__wrapped__
    select_events = once_more_if_dead(PostgresAggregateRecorder.select_events.__wrapped__)

    def create_table(self) -> None:
        create_table_beside_others(self.datastore, super().create_table)


class FailFastApplicationRecorder(PostgresApplicationRecorder):
    insert_events = PostgresApplicationRecorder.insert_events.__wrapped__
    select_events = once_more_if_dead(PostgresAggregateRecorder.select_events.__wrapped__)
    select_notifications = once_more_if_dead(
        PostgresApplicationRecorder.select_notifications.__wrapped__
    )
    max_notification_id = once_more_if_dead(
        PostgresApplicationRecorder.max_notification_id.__wrapped__
    )

    def create_table(self) -> None:
        create_table_beside_others(self.datastore, super().create_table)


class PostgresJourneyLog(FailFastApplicationRecorder):
    def log_position(self) -> int:
        return self.max_notification_id() or 0

    @once_more_if_dead
    def positions_of(self, journey_id: UUID) -> dict[int, int]:
        query = SQL(
            "SELECT originator_version, notification_id FROM {schema}.{table} "
            "WHERE originator_id = %s"
        ).format(schema=Identifier(self.datastore.schema), table=self._table())
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (journey_id,))
            return {
                int(row["originator_version"]): int(row["notification_id"])
                for row in cursor.fetchall()
            }

    def latest_versions(
        self, upto: int, after: UUID | None = None, limit: int | None = None
    ) -> list[tuple[UUID, int]]:
        above = SQL("") if after is None else SQL("AND originator_id > %(after)s ")
        query = SQL(
            "SELECT originator_id, MAX(originator_version) AS version FROM {schema}.{table} "
            "WHERE notification_id <= %(upto)s {above}"
            "GROUP BY originator_id ORDER BY originator_id LIMIT %(limit)s"
        ).format(schema=Identifier(self.datastore.schema), table=self._table(), above=above)
        with self.datastore.transaction(commit=False) as cursor:
            if limit is not None:
                # A page walks the primary key from ``after`` and stops after ``limit``
                # journeys. Left to itself the planner (above all before the table has
                # statistics) scans every row above ``after`` and aggregates them all for
                # each page, so a rebuild would read the table once per page.
                for setting in ("enable_hashagg", "enable_bitmapscan", "enable_seqscan"):
                    cursor.execute(SQL("SET LOCAL {} = off").format(Identifier(setting)))
            cursor.execute(query, {"upto": upto, "after": after, "limit": limit})
            return [
                (UUID(str(row["originator_id"])), int(row["version"])) for row in cursor.fetchall()
            ]

    def journey_count(self, upto: int) -> int:
        query = SQL(
            "SELECT COUNT(DISTINCT originator_id) AS journeys FROM {schema}.{table} "
            "WHERE notification_id <= %s"
        ).format(schema=Identifier(self.datastore.schema), table=self._table())
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (upto,))
            row = cursor.fetchone()
            return int(row["journeys"]) if row else 0

    def header_rows(self, after: int, upto: int) -> Iterator[HeaderRow]:
        columns = SQL(
            "substring(state from 1 for {n}), "
            "CASE WHEN substring(state from 1 for 8) IN ({sealed}) THEN NULL ELSE state END"
        ).format(n=SQL(str(HEADER_BYTES)), sealed=SQL(_SEALED))
        # Tuples as they come (psycopg makes the UUIDs and the bytes): a full-store check
        # reads every row of the log, so no per-row dictionary, no UUID parsed twice.
        return map(HeaderRow._make, self._ranges(columns, after, upto))

    def whole_rows(self, after: int, upto: int) -> Iterator[WholeRow]:
        return map(WholeRow._make, self._ranges(SQL("topic, state"), after, upto))

    def _ranges(self, columns: Composable, after: int, upto: int) -> Iterator[Any]:
        query = SQL(
            "SELECT notification_id, originator_id, originator_version, {columns} "
            "FROM {schema}.{table} WHERE notification_id > %s AND notification_id <= %s "
            "ORDER BY notification_id"
        ).format(columns=columns, schema=Identifier(self.datastore.schema), table=self._table())
        # Bounded id ranges, not LIMIT: the plan stays an index range scan even before the
        # table has statistics (with LIMIT, an unanalyzed table was scanned whole per page).
        for start in range(after, upto, PAGE):
            with self.datastore.transaction(commit=False) as cursor:
                cursor.row_factory = tuple_row  # type: ignore[assignment]
                cursor.execute(query, (start, min(start + PAGE, upto)))
                rows = cursor.fetchall()
            yield from rows

    def _table(self) -> Identifier:
        return Identifier(self.events_table_name)


class Factory(PostgresFactory):
    """The library's PostgreSQL persistence, with deadlines on every connection."""

    aggregate_recorder_class = FailFastAggregateRecorder
    application_recorder_class = PostgresJourneyLog

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        # The library builds its datastore itself; this one only adds a step to each
        # checkout, so it takes the same state as it is.
        self.datastore.__class__ = DeadlineDatastore
        pool = self.datastore.pool  # not opened yet: every connection it makes is ours
        pool.__class__ = CheckedOutAlivePool
        pool.connection_class = DeadlineConnection
        assert isinstance(pool.kwargs, dict)
        pool.kwargs.update(connection_options())
