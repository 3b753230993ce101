"""Compliance findings as they stand now: a duty that falls due with time shows once due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, and_, or_, select

from interface.readmodels.caseload import ReadModelNotReadyError
from interface.readmodels.generations import Generations
from interface.readmodels.tables import FINDINGS


@dataclass(frozen=True)
class FindingsQuery:
    clinic_id: str
    now: datetime
    rule: str | None = None
    journey_id: UUID | None = None


class Findings:
    def __init__(self, engine: Engine, registry: Generations) -> None:
        self.engine = engine
        self.registry = registry

    def standing(self, query: FindingsQuery) -> list[dict[str, Any]]:
        live = self.registry.live(FINDINGS)
        if live is None:
            raise ReadModelNotReadyError("The compliance findings are being built; retry shortly.")
        table = FINDINGS.table(live.generation)
        conditions = [
            table.c.clinic_id == query.clinic_id,
            or_(table.c.due_at.is_(None), table.c.due_at <= query.now),
        ]
        if query.rule:
            conditions.append(table.c.rule == query.rule)
        if query.journey_id:
            conditions.append(table.c.journey_id == query.journey_id)
        statement = (
            select(table)
            .where(and_(*conditions))
            .order_by(table.c.journey_id, table.c.rule, table.c.occurrence)
        )
        with self.engine.connect() as connection:
            return [dict(row) for row in connection.execute(statement).mappings()]
