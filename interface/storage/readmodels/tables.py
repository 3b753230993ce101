"""The tables: a registry of read-model generations, and each generation's own tables.

A read model's rows live in tables named for its schema version and generation
(``rm_caseload_v1_g3``). A rebuild, or a changed table shape, builds a new generation
beside the live one and swaps it in: nothing is ever migrated by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Times in UTC on both databases (SQLite keeps no offset: it is put back on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Byte order on PostgreSQL too, so a prefix search (LIKE 'MRN-12%') can use the index.
PATIENT_REF = String(64).with_variant(String(64, collation="C"), "postgresql")

registry_metadata = MetaData()

generations = Table(
    "read_model_generations",
    registry_metadata,
    Column("name", String(40), primary_key=True),
    Column("generation", Integer, primary_key=True),
    Column("schema_version", Integer, nullable=False),
    Column("status", String(10), nullable=False),  # building, active, retired
    Column("position", BigInteger, nullable=False),
    Column("table_name", String(60), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

dead_letters = Table(
    "read_model_dead_letters",
    registry_metadata,
    Column("name", String(40), primary_key=True),
    Column("generation", Integer, primary_key=True),
    Column("journey_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("error_class", String(100), nullable=False),
    Column("failed_at", UtcDateTime, nullable=False),
)
"""Journeys a generation skipped because their rows could not be made or written: one
row per journey (its latest failure); no patient data, no error message."""


@dataclass(frozen=True)
class ReadModelShape:
    """A read model's name, its table shape version, and how to declare its table."""

    name: str
    schema_version: int
    declare: Callable[[MetaData, str], Table]

    def table_name(self, generation: int) -> str:
        return f"rm_{self.name}_v{self.schema_version}_g{generation}"

    def table(self, generation: int) -> Table:
        return self.declare(MetaData(), self.table_name(generation))


def _caseload(metadata: MetaData, name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("journey_id", Uuid, primary_key=True),
        Column("clinic_id", String(64), nullable=False),
        Column("patient_ref", PATIENT_REF, nullable=False),
        Column("episode", Integer, nullable=False),
        Column("protocol", String(40), nullable=False),
        Column("primary_clinician", String(200), nullable=False),
        Column("stage", String(20), nullable=False),
        Column("safety_hold", Boolean, nullable=False),
        Column("adverse_event", Boolean, nullable=False),
        Column("override_used", Boolean, nullable=False),
        Column("late_entry", Boolean, nullable=False),
        Column("interaction_review", Boolean, nullable=False),
        Column("measure_due", Boolean, nullable=False),
        Column("next_step_code", String(40), nullable=False),
        Column("next_step_text", Text, nullable=False),
        Column("sessions_completed", Integer, nullable=False),
        Column("phq9_latest", Integer),
        Column("phq9_band", String(20)),
        Column("last_event_at", UtcDateTime, nullable=False),
        Column("version", Integer, nullable=False),
        Column("integration_due_at", UtcDateTime),
        Column("rems_form_due_at", UtcDateTime),
        Column("attention_key", String(40), nullable=False),
        Index(f"{name}_attention", "clinic_id", "attention_key", "journey_id"),
        Index(f"{name}_recent", "clinic_id", "last_event_at", "journey_id"),
        Index(f"{name}_patient", "clinic_id", "patient_ref", "journey_id"),
        Index(f"{name}_stage", "clinic_id", "stage", "attention_key", "journey_id"),
    )


def _findings(metadata: MetaData, name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("journey_id", Uuid, primary_key=True),
        Column("rule", String(8), primary_key=True),
        Column("occurrence", String(60), primary_key=True),
        Column("clinic_id", String(64), nullable=False),
        Column("patient_ref", String(64), nullable=False),
        Column("versions", Text, nullable=False),  # "3,11": a finding may name many
        Column("detail", Text, nullable=False),
        Column("at", UtcDateTime, nullable=False),
        Column("due_at", UtcDateTime),
        Index(f"{name}_clinic_rule", "clinic_id", "rule", "due_at"),
        Index(f"{name}_clinic_at", "clinic_id", "at"),
    )


CASELOAD = ReadModelShape("caseload", 2, _caseload)
"""Version 2 added the 2027-1 flags ``interaction_review`` and ``measure_due``."""
FINDINGS = ReadModelShape("findings", 2, _findings)
"""Version 2 added ``at``, the moment each finding is about (for the report's period)."""
SHAPES = {shape.name: shape for shape in (CASELOAD, FINDINGS)}
