"""Compliance findings as they stand now: a duty that falls due with time shows once due.

The compliance report (HTTP and CLI) reads them here, so both say the same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Engine, Table, and_, or_, select

from domain.compliance import RULES
from interface.readmodels.caseload import ReadModelNotReadyError
from interface.storage.readmodels.generations import Generations
from interface.storage.readmodels.tables import FINDINGS


@dataclass(frozen=True)
class FindingsQuery:
    """A clinic's findings standing at ``now``, optionally of one rule, one journey, and
    a period on ``at`` (the moment each finding is about): ``since <= at < until``."""

    clinic_id: str
    now: datetime
    rule: str | None = None
    journey_id: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class FindingsReport:
    findings: list[dict[str, Any]]
    """``finding_public`` of each, by patient, journey, rule, then time."""
    read_model_position: int
    """The log position the rows include everything up to."""


def finding_public(row: dict[str, Any]) -> dict[str, Any]:
    """One finding as the report shows it (the same fields over HTTP and in the CLI)."""
    return {
        "journey_id": row["journey_id"],
        "patient_ref": row["patient_ref"],
        "rule": row["rule"],
        "occurrence": row["occurrence"],
        "versions": [int(v) for v in str(row["versions"]).split(",") if v],
        "detail": row["detail"],
        "at": row["at"],
        "due_at": row["due_at"],
    }


def rule_counts(findings: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many findings of each rule, every rule C-01 to C-13 named (zero if none)."""
    counted = Counter(f["rule"] for f in findings)
    return {rule: counted.get(rule, 0) for rule in RULES}


def _conditions(table: Table, query: FindingsQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [
        table.c.clinic_id == query.clinic_id,
        or_(table.c.due_at.is_(None), table.c.due_at < query.now),
    ]
    if query.rule:
        found.append(table.c.rule == query.rule)
    if query.journey_id:
        found.append(table.c.journey_id == query.journey_id)
    if query.since is not None:
        found.append(table.c.at >= query.since)
    if query.until is not None:
        found.append(table.c.at < query.until)
    return found


class Findings:
    def __init__(self, engine: Engine, registry: Generations) -> None:
        self.engine = engine
        self.registry = registry

    def position(self) -> int | None:
        live = self.registry.live(FINDINGS)
        return None if live is None else live.position

    def _read(self, query: FindingsQuery) -> tuple[list[dict[str, Any]], int]:
        live = self.registry.live(FINDINGS)
        if live is None:
            raise ReadModelNotReadyError("The compliance findings are being built; retry shortly.")
        table = FINDINGS.table(live.generation)
        statement = (
            select(table)
            .where(and_(*_conditions(table, query)))
            .order_by(
                table.c.patient_ref,
                table.c.journey_id,
                table.c.rule,
                table.c.at,
                table.c.occurrence,
            )
        )
        with self.engine.connect() as connection:
            rows = [dict(row) for row in connection.execute(statement).mappings()]
        return rows, live.position

    def standing(self, query: FindingsQuery) -> list[dict[str, Any]]:
        """The table rows of the findings standing at ``query.now``."""
        return self._read(query)[0]

    def report(self, query: FindingsQuery) -> FindingsReport:
        """The findings standing at ``query.now`` as the report shows them, and the
        position the read model had reached (at least) when they were read."""
        rows, position = self._read(query)
        return FindingsReport([finding_public(row) for row in rows], position)
