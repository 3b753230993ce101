"""Where a projection writes: one generation's table, rows and position in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, and_, delete, insert, update

from application.projections.projector import Checkpoint
from domain.journey import Journey
from interface.readmodels.generations import ACTIVE, BUILDING, Generations
from interface.readmodels.tables import ReadModelShape, generations

RowsOf = Callable[[Sequence[Journey]], list[dict[str, Any]]]


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

    def checkpoint(self) -> Checkpoint:
        if self.generation is not None:
            fixed = self.registry.get(self.shape, self.generation)
            return Checkpoint(fixed.generation, fixed.position)
        followed = self.registry.followed(self.shape) or self.registry.prepare(self.shape)
        return Checkpoint(followed.generation, followed.position)

    def apply(self, journeys: Sequence[Journey], since: Checkpoint, position: int) -> bool:
        table = self.shape.table(since.generation)
        rows = self.rows_of(journeys)
        with self.engine.begin() as connection:
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
            if moved.rowcount != 1:
                connection.rollback()
                return False
            ids = [journey.id for journey in journeys]
            connection.execute(delete(table).where(table.c.journey_id.in_(ids)))
            if rows:
                connection.execute(insert(table), rows)
        return True
