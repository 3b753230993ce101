"""Where a projection writes: one generation's table, rows and position in one transaction.

A journey whose rows cannot be made, or that the database refuses (a NUL byte in a
text on PostgreSQL, a value too long), is skipped and recorded as a dead letter in the
same transaction; the batch's other journeys are written and the position moves on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, Table, and_, delete, insert, update
from sqlalchemy.exc import DataError, IntegrityError

from application.projections.projector import ProjectionFailure, ReadModelPosition
from domain.journey import Journey
from interface.storage.readmodels.generations import ACTIVE, BUILDING, Generations
from interface.storage.readmodels.tables import ReadModelShape, dead_letters, generations

RowsOf = Callable[[Sequence[Journey]], list[dict[str, Any]]]
Made = list[tuple[Journey, list[dict[str, Any]]]]

ROWS_REFUSED = (DataError, IntegrityError)
"""What the database says of rows it will not store: one journey's fault, not the
store's (a lost connection is an OperationalError: the whole batch is retried)."""

log = logging.getLogger("kap.projections")


def error_class(error: BaseException) -> str:
    """The driver's error class (``DataError``, ``CheckViolation``): never its message,
    which may quote the values refused."""
    original = getattr(error, "orig", None)
    return type(original if original is not None else error).__name__


class GenerationTarget:
    """A read model's rows in one generation (``generation=None``: the one followed live)."""

    def __init__(
        self,
        engine: Engine,
        registry: Generations,
        shape: ReadModelShape,
        rows_of: RowsOf,
        generation: int | None = None,
    ) -> None:
        self.engine = engine
        self.registry = registry
        self.shape = shape
        self.name = shape.name
        self.rows_of = rows_of
        self.generation = generation

    def current_position(self) -> ReadModelPosition:
        if self.generation is not None:
            fixed = self.registry.get(self.shape, self.generation)
            return ReadModelPosition(fixed.generation, fixed.position)
        followed = self.registry.followed(self.shape) or self.registry.prepare(self.shape)
        return ReadModelPosition(followed.generation, followed.position)

    def apply(
        self,
        journeys: Sequence[Journey],
        since: ReadModelPosition,
        position: int,
        failures: Sequence[ProjectionFailure] = (),
        loaded_upto: int | None = None,
    ) -> bool:
        upto = position if loaded_upto is None else loaded_upto
        table = self.shape.table(since.generation)
        made, failed = self.make_rows(journeys, upto)
        failed += failures
        with self.engine.begin() as connection:
            # The position first: its UPDATE is what makes pysqlite open the transaction,
            # so the savepoints of ``write_rows`` nest inside it (a savepoint opened first
            # would commit on release, on SQLite).
            if not self.move_position(connection, since, position):
                connection.rollback()
                return False
            failed += self.write_rows(connection, table, made, upto)
            self.record_failures(connection, since.generation, journeys, failed)
        for failure in failed:
            log.warning(
                "%s: journey %s at version %d not projected (%s); see `project --failures`",
                self.name,
                failure.journey_id,
                failure.version,
                failure.error_class,
            )
        return True

    def make_rows(
        self, journeys: Sequence[Journey], upto: int
    ) -> tuple[Made, list[ProjectionFailure]]:
        made: Made = []
        failed: list[ProjectionFailure] = []
        for journey in journeys:
            try:
                made.append((journey, self.rows_of([journey])))
            except Exception as error:  # a journey whose state breaks a row: skip it alone
                failed.append(
                    ProjectionFailure(journey.id, journey.version, upto, type(error).__name__)
                )
        return made, failed

    def move_position(
        self, connection: Connection, since: ReadModelPosition, position: int
    ) -> bool:
        # Compare-and-set on the position: it also takes the registry row's lock, so
        # concurrent projectors and a swap never interleave within a batch.
        moved = connection.execute(
            update(generations)
            .where(
                and_(
                    generations.c.name == self.shape.name,
                    generations.c.generation == since.generation,
                    generations.c.position == since.position,
                    generations.c.status.in_((ACTIVE, BUILDING)),
                )
            )
            .values(position=position)
        )
        return moved.rowcount == 1

    def write_rows(
        self, connection: Connection, table: Table, made: Made, upto: int
    ) -> list[ProjectionFailure]:
        """Replace the rows of every journey made; the ones the database refuses are
        found by trying again journey by journey, and left without rows."""
        try:
            with connection.begin_nested():
                replace_rows(connection, table, made)
            return []
        except ROWS_REFUSED:
            pass
        failed = []
        for journey, rows in made:
            try:
                with connection.begin_nested():
                    replace_rows(connection, table, [(journey, rows)])
            except ROWS_REFUSED as error:
                # Its stale row goes with the other failures' in record_failures.
                failed.append(
                    ProjectionFailure(journey.id, journey.version, upto, error_class(error))
                )
        return failed

    def record_failures(
        self,
        connection: Connection,
        generation: int,
        journeys: Sequence[Journey],
        failed: Sequence[ProjectionFailure],
    ) -> None:
        """Each journey of the batch clears its earlier dead letter; each one that failed
        now gets a new one (its latest failure supersedes the old)."""
        touched: list[UUID] = [j.id for j in journeys] + [f.journey_id for f in failed]
        if not touched:
            return
        this_generation = and_(
            dead_letters.c.name == self.name, dead_letters.c.generation == generation
        )
        connection.execute(
            delete(dead_letters).where(this_generation, dead_letters.c.journey_id.in_(touched))
        )
        if not failed:
            return
        # No row rather than a stale one, as a rebuild would leave it.
        table = self.shape.table(generation)
        unloaded = [f.journey_id for f in failed]
        connection.execute(delete(table).where(table.c.journey_id.in_(unloaded)))
        now = datetime.now(UTC)
        latest = {f.journey_id: f for f in failed}  # one per journey
        connection.execute(
            insert(dead_letters),
            [
                {
                    "name": self.name,
                    "generation": generation,
                    "journey_id": f.journey_id,
                    "version": f.version,
                    "position": f.position,
                    "error_class": f.error_class[:100],
                    "failed_at": now,
                }
                for f in latest.values()
            ],
        )


def replace_rows(connection: Connection, table: Table, made: Made) -> None:
    ids = [journey.id for journey, _ in made]
    if not ids:
        return
    connection.execute(delete(table).where(table.c.journey_id.in_(ids)))
    rows = [row for _, journey_rows in made for row in journey_rows]
    if rows:
        connection.execute(insert(table), rows)
