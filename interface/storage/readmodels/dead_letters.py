"""The journeys the live read models skipped: for /health and ``project --failures``.

A dead letter stands until a later event of its journey projects fine (it is then
deleted with that batch), or its generation is replaced by a rebuild (the rebuild
records its own). Nothing in it is patient data: read model, generation, journey id,
version, log position, the error's class and when it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Engine, and_, func, select

from interface.storage.readmodels.generations import ACTIVE
from interface.storage.readmodels.tables import dead_letters, generations


@dataclass(frozen=True)
class DeadLetter:
    name: str
    generation: int
    journey_id: UUID
    version: int
    position: int
    error_class: str
    failed_at: datetime

    def line(self) -> str:
        """One line for an operator's terminal or log."""
        return (
            f"{self.name} generation {self.generation}: journey {self.journey_id} "
            f"version {self.version} at position {self.position}: {self.error_class} "
            f"({self.failed_at.isoformat(timespec='seconds')})"
        )


_of_live_generations = and_(
    dead_letters.c.name == generations.c.name,
    dead_letters.c.generation == generations.c.generation,
    generations.c.status == ACTIVE,
)


def live_dead_letters(engine: Engine) -> list[DeadLetter]:
    """Every dead letter of a live generation, by read model, then log position."""
    statement = (
        select(dead_letters)
        .join(generations, _of_live_generations)
        .order_by(dead_letters.c.name, dead_letters.c.position, dead_letters.c.journey_id)
    )
    with engine.connect() as connection:
        return [DeadLetter(**row) for row in connection.execute(statement).mappings()]


def count_live_dead_letters(engine: Engine) -> int:
    statement = select(func.count()).select_from(
        dead_letters.join(generations, _of_live_generations)
    )
    with engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())
