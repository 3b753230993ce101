"""Generations of a read model: which one is live, building a new one, swapping it in."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, func, select, update
from sqlalchemy.exc import DBAPIError

from application.projections.projector import ReadModelSupersededError
from interface.storage.readmodels.tables import (
    ReadModelShape,
    dead_letters,
    generations,
    registry_metadata,
)

ACTIVE, BUILDING, RETIRED = "active", "building", "retired"
PREPARE_ATTEMPTS = 5


@dataclass(frozen=True)
class Generation:
    name: str
    generation: int
    schema_version: int
    status: str
    position: int
    table_name: str


class Generations:
    """The registry of read-model generations in the events' database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        registry_metadata.create_all(engine)

    def _rows(self, shape: ReadModelShape) -> list[Generation]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(generations).where(generations.c.name == shape.name)
            ).mappings()
            fields = Generation.__dataclass_fields__
            return [Generation(**{k: v for k, v in row.items() if k in fields}) for row in rows]

    def live(self, shape: ReadModelShape) -> Generation | None:
        """The generation reads use: active, of the table shape this code knows."""
        found = [
            g
            for g in self._rows(shape)
            if g.status == ACTIVE and g.schema_version == shape.schema_version
        ]
        return found[0] if found else None

    def followed(self, shape: ReadModelShape) -> Generation | None:
        """The generation the live projector keeps current: the live one, or while none
        of this shape is live yet, the newest one being built."""
        live = self.live(shape)
        if live is not None:
            return live
        building = [
            g
            for g in self._rows(shape)
            if g.status == BUILDING and g.schema_version == shape.schema_version
        ]
        return max(building, key=lambda g: g.generation, default=None)

    def get(self, shape: ReadModelShape, generation: int) -> Generation:
        (found,) = [g for g in self._rows(shape) if g.generation == generation]
        return found

    def superseded(self, shape: ReadModelShape) -> bool:
        """A newer table shape of this read model is live or being built (this process
        runs older code, as during a rolling deploy): it must leave the read model alone."""
        return any(
            g.schema_version > shape.schema_version and g.status in (ACTIVE, BUILDING)
            for g in self._rows(shape)
        )

    def prepare(self, shape: ReadModelShape) -> Generation:
        """Make sure there is a generation of this shape to follow: the first one is
        live at once (empty, catching up); a new shape is built beside the old one.

        Processes starting together may race to make it: the loser finds the winner's.
        """
        for _ in range(PREPARE_ATTEMPTS):
            if self.superseded(shape):
                raise ReadModelSupersededError(f"a newer shape of {shape.name} is in use")
            followed = self.followed(shape)
            if followed is not None:
                return followed
            first = not any(g.status == ACTIVE for g in self._rows(shape))
            try:
                return self.start(shape, status=ACTIVE if first else BUILDING)
            except DBAPIError:
                time.sleep(0.05)  # another process made it first: follow theirs
        raise RuntimeError(f"could not prepare a generation of {shape.name}")

    def start(self, shape: ReadModelShape, status: str = BUILDING) -> Generation:
        with self.engine.begin() as connection:
            number = (
                connection.execute(
                    select(func.coalesce(func.max(generations.c.generation), 0)).where(
                        generations.c.name == shape.name
                    )
                ).scalar_one()
                + 1
            )
            table = shape.table(number)
            table.create(connection)
            connection.execute(
                generations.insert().values(
                    name=shape.name,
                    generation=number,
                    schema_version=shape.schema_version,
                    status=status,
                    position=0,
                    table_name=table.name,
                    created_at=datetime.now(UTC),
                )
            )
        return self.get(shape, number)

    def promote_if_built(self, shape: ReadModelShape, caught_up_to: int) -> bool:
        """A new table shape built beside the old one goes live once it has caught up
        (to ``caught_up_to``); never when newer code owns the read model."""
        if self.superseded(shape):
            return False
        followed = self.followed(shape)
        if followed is None or followed.status != BUILDING or followed.position < caught_up_to:
            return False
        self.activate(shape, followed.generation)
        return True

    def activate(self, shape: ReadModelShape, generation: int) -> None:
        """Swap ``generation`` in for reads, in one transaction, and drop the old tables."""
        of_this = generations.c.name == shape.name
        with self.engine.begin() as connection:
            connection.execute(
                update(generations)
                .where(and_(of_this, generations.c.generation == generation))
                .values(status=ACTIVE)
            )
            connection.execute(
                update(generations)
                .where(
                    and_(
                        of_this,
                        generations.c.generation != generation,
                        generations.c.status == ACTIVE,
                        generations.c.schema_version <= shape.schema_version,
                    )
                )
                .values(status=RETIRED)
            )
        self.drop_retired(shape)

    def drop_retired(self, shape: ReadModelShape) -> None:
        for old in self._rows(shape):
            if old.status == RETIRED:
                self.discard(shape, old.generation, old.table_name)

    def discard(self, shape: ReadModelShape, generation: int, table_name: str = "") -> None:
        """Remove a generation whole: its table, its registry row and its dead letters
        (a retired one, of whatever table shape, or one whose rebuild failed)."""
        table_name = table_name or shape.table_name(generation)
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{table_name}"')
            for table in (generations, dead_letters):
                connection.execute(
                    table.delete().where(
                        and_(table.c.name == shape.name, table.c.generation == generation)
                    )
                )
