"""The access log: every read of a journey, one row in ``access_log`` (HIPAA 164.312(b)).

Who read (token name and role), for which clinic, which journey (null for the caseload),
when (the service's clock), what (see ``ACTIONS``) and why (the purpose of use). Journey
ids only: nothing in a row names or identifies a patient. Rows are only ever inserted;
the database itself refuses UPDATE and DELETE on the table (``interface.storage.appendonly``).
A running service keeps one ``AccessLog`` (``Services.access_log``), whose table it
makes the first time it is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import sqlalchemy
from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Uuid, select

from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.storage.appendonly import protect_append_only
from interface.storage.readmodels.tables import UtcDateTime

ACTIONS = frozenset(
    {
        "status",
        "caseload",
        "history",
        "replay",
        "verify",
        "export",
        "compliance",
        "access_log",
        "superbill",
    }
)
"""What was read; anything else is a programming error, refused and never stored."""
PURPOSE_OF_USE = re.compile(r"^[a-z_]{1,40}$")
DEFAULT_PURPOSE = {Role.STAFF: "treatment", Role.AUDITOR: "audit"}
OTHER_PURPOSE = "operations"
"""The purpose of a read by any other role (an operator), unless one is given."""

metadata = MetaData()

access_log = Table(
    "access_log",
    metadata,
    Column(
        "id",
        BigInteger().with_variant(Integer, "sqlite"),  # SQLite autoincrements INTEGER only
        primary_key=True,
        autoincrement=True,
    ),
    Column("at", UtcDateTime, nullable=False),
    Column("token_name", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("clinic_id", String(64), nullable=False),
    Column("journey_id", Uuid, nullable=True),
    Column("action", String(16), nullable=False),
    Column("purpose", String(40), nullable=False),
    Index("ix_access_log_clinic_id", "clinic_id", "id"),
    Index("ix_access_log_clinic_journey", "clinic_id", "journey_id", "id"),
)


class InvalidPurposeError(ValueError):
    """A purpose of use that is not 1-40 characters of a-z and _."""


def checked_purpose(purpose: str | None, role: Role) -> str:
    """The purpose given (validated), else the role's default."""
    if purpose is None:
        return DEFAULT_PURPOSE.get(role, OTHER_PURPOSE)
    if PURPOSE_OF_USE.fullmatch(purpose) is None:
        raise InvalidPurposeError(
            "a purpose of use is 1-40 characters of a-z and _, like treatment"
        )
    return purpose


@dataclass(frozen=True)
class AccessEntry:
    id: int
    at: datetime
    token_name: str
    role: str
    clinic_id: str
    journey_id: UUID | None
    action: str
    purpose: str


class AccessLog:
    """Append reads to the access log, and list a clinic's reads, newest first."""

    def __init__(self, engine: sqlalchemy.Engine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock

    def record(
        self, principal: Principal, journey_id: UUID | None, action: str, purpose: str
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown access-log action {action!r}")
        with self._engine.begin() as connection:
            connection.execute(
                access_log.insert().values(
                    at=self._clock(),
                    token_name=principal.token_name,
                    role=str(principal.role),
                    clinic_id=principal.clinic_id,
                    journey_id=journey_id,
                    action=action,
                    purpose=purpose,
                )
            )

    def entries(
        self,
        clinic_id: str,
        *,
        journey_id: UUID | None = None,
        since: datetime | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[AccessEntry]:
        """The clinic's entries, newest first (by the order they were appended)."""
        query = select(access_log).where(access_log.c.clinic_id == clinic_id)
        if journey_id is not None:
            query = query.where(access_log.c.journey_id == journey_id)
        if since is not None:
            query = query.where(access_log.c.at >= since)
        if before_id is not None:
            query = query.where(access_log.c.id < before_id)
        query = query.order_by(access_log.c.id.desc()).limit(limit)
        with self._engine.connect() as connection:
            return [AccessEntry(**row._mapping) for row in connection.execute(query)]


def create_access_log_table(engine: sqlalchemy.Engine) -> None:
    """Create the table if missing, and have the database refuse changes to it."""
    try:
        metadata.create_all(engine)
    except sqlalchemy.exc.DBAPIError:
        metadata.create_all(engine)  # another worker created it between check and create
    protect_append_only(engine, access_log.name)
