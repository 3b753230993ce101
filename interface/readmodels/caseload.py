"""The caseload query: a clinic's journeys, filtered, sorted by what needs attention,
in pages whose cursor survives new rows (keyset pagination)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import ColumnElement, Engine, Table, and_, select, tuple_

from domain.status_flags import FLAG_ORDER
from interface.storage.readmodels.generations import Generations
from interface.storage.readmodels.tables import CASELOAD

Sort = Literal["attention", "recent", "patient"]
STATIC_FLAGS = (
    "safety_hold",
    "adverse_event",
    "interaction_review",
    "measure_due",
    "override_used",
    "late_entry",
)
DUE_FLAGS = {"integration_overdue": "integration_due_at", "rems_form_overdue": "rems_form_due_at"}


class InvalidCursorError(ValueError):
    pass


class ReadModelNotReadyError(RuntimeError):
    """No generation of the current table shape is live yet (it is being built)."""


@dataclass(frozen=True)
class CaseloadQuery:
    clinic_id: str
    now: datetime
    stage: str | None = None
    flag: str | None = None
    clinician: str | None = None
    q: str | None = None
    sort: Sort = "attention"
    limit: int = 50
    cursor: str | None = None


@dataclass(frozen=True)
class CaseloadPage:
    journeys: list[dict[str, Any]]
    next_cursor: str | None
    read_model_position: int


def _sort_columns(table: Table, sort: Sort) -> tuple[list[Any], bool]:
    """The keyset columns of a sort, and whether it runs descending."""
    if sort == "recent":
        return [table.c.last_event_at, table.c.journey_id], True
    if sort == "patient":
        return [table.c.patient_ref, table.c.journey_id], False
    return [table.c.attention_key, table.c.journey_id], False


def encode_cursor(sort: Sort, row: dict[str, Any]) -> str:
    keys = {"recent": "last_event_at", "patient": "patient_ref", "attention": "attention_key"}
    first = row[keys[sort]]
    payload = {
        "sort": sort,
        "after": [str(first.isoformat() if sort == "recent" else first), str(row["journey_id"])],
    }
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort) -> list[Any]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        first, journey_id = payload["after"]
        if payload["sort"] != sort:
            raise InvalidCursorError("the cursor belongs to another sort order")
        value: Any = datetime.fromisoformat(first) if sort == "recent" else str(first)
        return [value, UUID(journey_id)]
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as error:
        if isinstance(error, InvalidCursorError):
            raise
        raise InvalidCursorError("the cursor is not one this service gave out") from None


def _filters(table: Table, query: CaseloadQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [table.c.clinic_id == query.clinic_id]
    if query.stage:
        found.append(table.c.stage == query.stage)
    if query.clinician:
        found.append(table.c.primary_clinician == query.clinician)
    if query.q:
        escaped = query.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found.append(table.c.patient_ref.like(f"{escaped}%", escape="\\"))
    if query.flag in STATIC_FLAGS:
        found.append(table.c[query.flag].is_(True))
    elif query.flag in DUE_FLAGS:
        found.append(table.c[DUE_FLAGS[query.flag]] < query.now)
    return found


def flags_of_row(row: dict[str, Any], now: datetime) -> list[str]:
    flags = {flag for flag in STATIC_FLAGS if row[flag]}
    flags |= {flag for flag, column in DUE_FLAGS.items() if row[column] and row[column] < now}
    return [flag for flag in FLAG_ORDER if flag in flags]


class Caseloads:
    def __init__(self, engine: Engine, registry: Generations) -> None:
        self.engine = engine
        self.registry = registry

    def position(self) -> int | None:
        live = self.registry.live(CASELOAD)
        return None if live is None else live.position

    def clinic_of(self, journey_id: UUID) -> str | None:
        """The clinic the caseload files the journey under (None when it has no row)."""
        live = self.registry.live(CASELOAD)
        if live is None:
            return None
        table = CASELOAD.table(live.generation)
        statement = select(table.c.clinic_id).where(table.c.journey_id == journey_id)
        with self.engine.connect() as connection:
            found = connection.execute(statement).scalar_one_or_none()
        return None if found is None else str(found)

    def page(self, query: CaseloadQuery) -> CaseloadPage:
        live = self.registry.live(CASELOAD)
        if live is None:
            raise ReadModelNotReadyError("The caseload is being built; retry shortly.")
        table = CASELOAD.table(live.generation)
        columns, descending = _sort_columns(table, query.sort)
        conditions = _filters(table, query)
        if query.cursor:
            after = decode_cursor(query.cursor, query.sort)
            key = tuple_(*columns)
            conditions.append(key < tuple_(*after) if descending else key > tuple_(*after))
        order = [c.desc() for c in columns] if descending else columns
        statement = select(table).where(and_(*conditions)).order_by(*order).limit(query.limit + 1)
        with self.engine.connect() as connection:
            rows = [dict(r) for r in connection.execute(statement).mappings()]
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        next_cursor = encode_cursor(query.sort, rows[-1]) if more and rows else None
        for row in rows:
            row["flags"] = flags_of_row(row, query.now)
        return CaseloadPage(rows, next_cursor, live.position)
