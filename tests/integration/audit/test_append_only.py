"""The event and access-log tables refuse UPDATE and DELETE, whoever sends the SQL.

Every tampering attempt here is raw SQL on a plain driver connection (``sqlite3`` or
``psycopg``), not through the application or SQLAlchemy, because that is the path a
console, a script or an intruder would take. The last checks drop the triggers, as
someone with the table owner's rights could, and see the same SQL succeed: so it really
was the triggers that refused it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
import pytest
import sqlalchemy
from eventsourcing.persistence import IntegrityError as StoreIntegrityError

from application.journeys import Journeys
from interface.storage.appendonly import (
    is_protected,
    protect_append_only,
    protect_event_store,
    refusal_message,
    trigger_names,
)
from interface.storage.engine import create_sql_engine
from interface.storage.environment import is_postgres_url, sqlite_path
from tests.integration.journeys_app import CLINIC, build_app, new_key, open_journey, post
from tests.story import intake

REFUSED = (sqlite3.IntegrityError, psycopg.errors.IntegrityConstraintViolation)
ACCESS_LOG = "access_log"


@dataclass
class Raw:
    """A plain driver connection in autocommit mode, with its placeholder style."""

    connection: sqlite3.Connection | psycopg.Connection[Any]
    postgres: bool

    def run(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        sql = sql.replace("?", "%s") if self.postgres else sql
        cursor = self.connection.execute(sql, params)  # type: ignore[arg-type]
        return list(cursor.fetchall()) if cursor.description else []

    def rows(self, table: str) -> list[tuple[Any, ...]]:
        """Every row, every column, as the driver returns it (``state`` as bytes)."""
        return [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            for row in self.run(f"SELECT * FROM {table} ORDER BY 1, 2")
        ]


@pytest.fixture
def raw(database_url: str) -> Iterator[Raw]:
    if is_postgres_url(database_url):
        with psycopg.connect(database_url, autocommit=True) as connection:
            yield Raw(connection, postgres=True)
    else:
        with closing(sqlite3.connect(sqlite_path(database_url), isolation_level=None)) as conn:
            yield Raw(conn, postgres=False)


@pytest.fixture
def engine(database_url: str) -> Iterator[sqlalchemy.Engine]:
    sql_engine = create_sql_engine(database_url)
    yield sql_engine
    sql_engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Journeys]:
    journeys = build_app(database_url, new_key())
    yield journeys
    journeys.close()


@pytest.fixture
def events(app: Journeys, engine: sqlalchemy.Engine) -> str:
    """The event table, holding one journey of a few entries, made append-only."""
    journey_id = open_journey(app)
    for s in intake()[:3]:
        post(app, journey_id, s)
    table: str = app.recorder.events_table_name  # type: ignore[attr-defined]
    assert not is_protected(engine, table)
    protect_event_store(engine, table)
    return table


@pytest.fixture
def access_log(raw: Raw, engine: sqlalchemy.Engine) -> str:
    """A stand-in for the access log: a keyed table of a few rows, made append-only."""
    key = "bigserial PRIMARY KEY" if raw.postgres else "INTEGER PRIMARY KEY"
    raw.run(f"CREATE TABLE {ACCESS_LOG} (id {key}, what TEXT NOT NULL)")
    for what in ["read journey", "read caseload", "export"]:
        raw.run(f"INSERT INTO {ACCESS_LOG} (what) VALUES (?)", what)
    protect_append_only(engine, ACCESS_LOG)
    return ACCESS_LOG


@pytest.fixture(params=["events", "access_log"])
def table(request: pytest.FixtureRequest) -> str:
    """Each append-only table in turn."""
    name: str = request.getfixturevalue(request.param)
    return name


def where_key(table: str) -> str:
    return "id = ?" if table == ACCESS_LOG else "originator_id = ? AND originator_version = ?"


def key_params(raw: Raw, table: str) -> tuple[Any, ...]:
    """The key of the first row: its id, or its originator id and version."""
    first = raw.run(f"SELECT * FROM {table} ORDER BY 1, 2 LIMIT 1")[0]
    return first[:1] if table == ACCESS_LOG else first[:2]


def forge(raw: Raw, table: str) -> None:
    column, value = ("what", "nothing to see") if table == ACCESS_LOG else ("state", b"forged")
    raw.run(
        f"UPDATE {table} SET {column} = ? WHERE {where_key(table)}", value, *key_params(raw, table)
    )


def test_update_is_refused_and_the_rows_are_unchanged(raw, table):
    before = raw.rows(table)

    with pytest.raises(REFUSED, match=refusal_message(table, "UPDATE")):
        forge(raw, table)
    with pytest.raises(REFUSED, match=refusal_message(table, "UPDATE")):
        raw.run(f"UPDATE {table} SET {'what' if table == ACCESS_LOG else 'topic'} = 'x'")

    assert raw.rows(table) == before


def test_delete_is_refused_and_the_rows_are_unchanged(raw, table):
    before = raw.rows(table)

    with pytest.raises(REFUSED, match=refusal_message(table, "DELETE")):
        raw.run(f"DELETE FROM {table} WHERE {where_key(table)}", *key_params(raw, table))
    with pytest.raises(REFUSED, match=refusal_message(table, "DELETE")):
        raw.run(f"DELETE FROM {table}")

    assert raw.rows(table) == before
    assert len(before) >= 3


def test_truncate_is_refused_on_postgres(raw, table):
    if not raw.postgres:
        pytest.skip("SQLite has no TRUNCATE: an unqualified DELETE is refused as a DELETE")
    before = raw.rows(table)

    with pytest.raises(REFUSED, match=refusal_message(table, "TRUNCATE")):
        raw.run(f"TRUNCATE {table}")

    assert raw.rows(table) == before


def test_an_upsert_over_an_existing_row_is_refused(raw, table):
    before = raw.rows(table)
    row = raw.run(f"SELECT * FROM {table} ORDER BY 1, 2 LIMIT 1")[0]
    if table == ACCESS_LOG:
        overwrite = f"INSERT INTO {table} (id, what) VALUES (?, 'rewritten')"
        params: tuple[Any, ...] = (row[0],)
        conflict = "(id) DO UPDATE SET what = excluded.what"
    else:
        overwrite = (
            f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?)"
        )
        params = (row[0], row[1], row[2], b"forged")
        conflict = "(originator_id, originator_version) DO UPDATE SET state = excluded.state"

    with pytest.raises(REFUSED, match=f"kap-journeys: {table} is append-only"):
        raw.run(f"{overwrite} ON CONFLICT {conflict}", *params)
    if not raw.postgres:  # SQLite's REPLACE deletes the old row without a DELETE trigger
        with pytest.raises(REFUSED, match=refusal_message(table, "INSERT over an existing row")):
            raw.run(overwrite.replace("INSERT", "INSERT OR REPLACE", 1), *params)
        with pytest.raises(REFUSED, match="append-only"):
            raw.run(overwrite.replace("INSERT", "REPLACE", 1), *params)

    assert raw.rows(table) == before


def test_inserting_still_works(raw, access_log):
    raw.run(f"INSERT INTO {access_log} (what) VALUES ('read journey again')")
    raw.run(f"INSERT INTO {access_log} (id, what) VALUES (100, 'chosen id')")

    assert [what for _id, what in raw.rows(access_log)][-2:] == ["read journey again", "chosen id"]


def test_the_application_still_appends_and_reads_back(app, events, raw):
    (journey_id,) = {as_uuid(row[0]) for row in raw.rows(events)}
    before = len(app.history(CLINIC, journey_id))

    post(app, journey_id, intake()[3])

    assert len(app.history(CLINIC, journey_id)) == before + 1
    assert len(raw.rows(events)) == before + 1


def test_a_lost_race_still_surfaces_as_an_integrity_error(app, events, raw):
    """The store's optimistic concurrency relies on a duplicate key raising IntegrityError."""
    (journey_id,) = {as_uuid(row[0]) for row in raw.rows(events)}
    first = app.recorder.select_events(journey_id, limit=1)
    before = raw.rows(events)

    with pytest.raises(StoreIntegrityError):
        app.recorder.insert_events(first)

    assert raw.rows(events) == before


def test_protecting_again_is_harmless(engine, raw, table):
    before = raw.rows(table)

    protect_append_only(engine, table)
    protect_append_only(engine, table)

    assert is_protected(engine, table)
    assert raw.rows(table) == before
    triggers = _triggers(raw, table)
    assert triggers == sorted(trigger_names(engine, table))
    with pytest.raises(REFUSED):
        forge(raw, table)


def test_after_an_intruder_drops_the_triggers_the_same_sql_succeeds(engine, raw, table):
    before = raw.rows(table)
    for trigger in trigger_names(engine, table):
        raw.run(f"DROP TRIGGER {trigger}" + (f" ON {table}" if raw.postgres else ""))

    assert not is_protected(engine, table)
    forge(raw, table)
    assert raw.rows(table) != before

    protect_append_only(engine, table)
    assert is_protected(engine, table)
    with pytest.raises(REFUSED):
        raw.run(f"DELETE FROM {table}")


def test_dropping_one_trigger_is_noticed_and_repaired(engine, raw, table):
    no_update, no_delete, _third = trigger_names(engine, table)
    raw.run(f"DROP TRIGGER {no_delete}" + (f" ON {table}" if raw.postgres else ""))

    assert not is_protected(engine, table)
    with pytest.raises(REFUSED):
        forge(raw, table)  # the update guard stands on its own

    protect_append_only(engine, table)
    assert is_protected(engine, table)
    with pytest.raises(REFUSED, match=refusal_message(table, "DELETE")):
        raw.run(f"DELETE FROM {table}")
    assert no_update in _triggers(raw, table)


def test_a_disabled_postgres_trigger_is_noticed_and_enabled_again(engine, raw, table):
    if not raw.postgres:
        pytest.skip("SQLite triggers cannot be disabled, only dropped")
    for trigger in trigger_names(engine, table):
        raw.run(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    assert not is_protected(engine, table)

    protect_append_only(engine, table)

    assert is_protected(engine, table)
    with pytest.raises(REFUSED, match=refusal_message(table, "UPDATE")):
        forge(raw, table)


def test_the_triggers_fire_even_in_replica_mode(raw, table):
    if not raw.postgres:
        pytest.skip("session_replication_role is PostgreSQL's")
    raw.run("SET session_replication_role = replica")

    with pytest.raises(REFUSED, match=refusal_message(table, "UPDATE")):
        forge(raw, table)


def test_a_missing_table_or_an_odd_name_is_refused(engine):
    with pytest.raises(LookupError, match="no table access_log"):
        protect_append_only(engine, "access_log")
    for name in ["Access_Log", "access-log", 'x"; DROP TABLE y; --', "a" * 60, ""]:
        with pytest.raises(ValueError, match="table name"):
            protect_append_only(engine, name)


def _triggers(raw: Raw, table: str) -> list[str]:
    if raw.postgres:
        rows = raw.run(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(?) AND NOT tgisinternal",
            table,
        )
    else:
        rows = raw.run(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", table
        )
    return sorted(name for (name,) in rows)


def as_uuid(value: Any) -> UUID:
    """An originator id as the store returns it: a UUID on PostgreSQL, text on SQLite."""
    return value if isinstance(value, UUID) else UUID(str(value))
