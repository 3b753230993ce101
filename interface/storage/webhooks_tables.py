"""The webhook tables: endpoints, the outbox of deliveries, their attempts, and where
the outbox's feeder stands in the journey log.

Kept in plain tables beside the event store (not as events of the Clinic aggregate): an
endpoint's secret must be erasable when the endpoint is removed, which an append-only
log cannot do, and the deliveries are operational state that changes with every attempt.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

WEBHOOK_TABLES = MetaData()

endpoints = Table(
    "webhook_endpoints",
    WEBHOOK_TABLES,
    Column("id", String(36), primary_key=True),
    Column("clinic_id", String(64), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("event_types", Text, nullable=False),  # JSON list
    Column("description", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("from_position", BigInteger, nullable=False),
    Column("secret", Text),  # AES-GCM with the cipher key, base64; erased on removal
    Column("removed_at", DateTime(timezone=True)),
    Column("removed_by", String(200)),
)

deliveries = Table(
    "webhook_deliveries",
    WEBHOOK_TABLES,
    Column("id", String(40), primary_key=True),  # the webhook-id header
    Column("endpoint_id", String(36), nullable=False, index=True),
    Column("clinic_id", String(64), nullable=False),
    Column("type", String(64), nullable=False),
    Column("journey_id", String(36), nullable=False),
    Column("position", BigInteger),  # None for a refused dose (nothing stored)
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("window_from", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), index=True),
    # Each stored event once per endpoint, whatever a feeder does.
    UniqueConstraint("endpoint_id", "position", name="uq_webhook_deliveries_event"),
)

attempts = Table(
    "webhook_attempts",
    WEBHOOK_TABLES,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", String(40), nullable=False, index=True),
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    Column("status_code", Integer),
    Column("error", String(200)),
    Column("duration_ms", Integer, nullable=False),
)

feed = Table(
    "webhook_feed",
    WEBHOOK_TABLES,
    Column("name", String(32), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


def create_webhook_tables(engine: sqlalchemy.Engine) -> None:
    try:
        WEBHOOK_TABLES.create_all(engine)
    except sqlalchemy.exc.DBAPIError:
        WEBHOOK_TABLES.create_all(engine)  # another worker made one between check and create


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time here is written in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
