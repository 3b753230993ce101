"""Append-only tables, enforced by the database itself: triggers refuse UPDATE and DELETE.

The application only ever inserts into its event table and its access log, but a stray
``UPDATE`` from a maintenance script, a console or a compromised process would rewrite
clinical history without trace. These triggers make the database refuse it, whoever asks,
with an error naming the table and the operation::

    kap-journeys: stored_events is append-only: UPDATE refused

Both databases raise it as an integrity error (``sqlite3.IntegrityError``; on PostgreSQL
SQLSTATE 23000, ``psycopg.errors.IntegrityConstraintViolation``), so SQLAlchemy reports it
as ``sqlalchemy.exc.IntegrityError``.

What is installed on a table ``<table>`` (see :data:`TRIGGER_NAMES`):

SQLite
    ``<table>_no_update`` (BEFORE UPDATE), ``<table>_no_delete`` (BEFORE DELETE) and
    ``<table>_no_replace`` (BEFORE INSERT). The last closes SQLite's back door: ``INSERT OR
    REPLACE`` / ``REPLACE INTO`` deletes a conflicting row *without* firing delete triggers
    (unless a connection turns on ``PRAGMA recursive_triggers``), so it refuses any insert
    whose rowid, primary key or unique key is already taken (partial and expression
    unique indexes are not covered). Such an insert would have failed anyway, so the
    app's appends are unaffected and a lost race still surfaces as an ``IntegrityError``;
    but ``INSERT OR IGNORE`` / ``ON CONFLICT DO NOTHING`` onto an existing key now raises
    instead of silently doing nothing. The key list is read when the trigger is created:
    a unique index added later is not covered until the trigger is dropped and
    ``protect_append_only`` runs again.

PostgreSQL
    One function, ``kap_refuse_change()``, and three triggers that call it:
    ``<table>_no_update`` (BEFORE UPDATE, FOR EACH ROW), ``<table>_no_delete`` (BEFORE
    DELETE, FOR EACH ROW) and ``<table>_no_truncate`` (BEFORE TRUNCATE, FOR EACH
    STATEMENT). They are ``ENABLE ALWAYS``, so they still fire under
    ``session_replication_role = replica``. ``INSERT ... ON CONFLICT DO UPDATE`` and
    ``MERGE`` run the update trigger too.

What this does not stop: anyone allowed to alter the table. An intruder with the table
owner's rights (on SQLite: anyone who can write the file) must first drop those triggers
(``DROP TRIGGER <table>_no_update`` ..., on PostgreSQL ``... ON <table>``, or ``ALTER TABLE
<table> DISABLE TRIGGER ...``), or drop the whole table, which these triggers do not
refuse. That is a deliberate, visible schema change rather than a quiet row edit; for
PostgreSQL, keeping the tables owned by a role the service does not log in as turns it
into a privilege the service lacks. :func:`is_protected` tells whether the guard is
still in place.

Installing is idempotent and cheap when the triggers are already there; call it at every
start-up, after the tables exist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import sqlalchemy
from sqlalchemy.engine import Connection

TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
POSTGRES_FUNCTION = "kap_refuse_change"
POSTGRES_IDENTIFIER_MAX = 63

TRIGGER_NAMES: Mapping[str, tuple[str, ...]] = {
    "sqlite": ("{table}_no_update", "{table}_no_delete", "{table}_no_replace"),
    "postgresql": ("{table}_no_update", "{table}_no_delete", "{table}_no_truncate"),
}
"""Per dialect, the triggers guarding a table: all must be dropped to change its rows."""

_LONGEST_SUFFIX = max(
    len(name.removeprefix("{table}")) for names in TRIGGER_NAMES.values() for name in names
)


def refusal_message(table: str, operation: str) -> str:
    """The error text both databases give, e.g. ``... stored_events is append-only: ...``."""
    return f"kap-journeys: {table} is append-only: {operation} refused"


def trigger_names(engine: sqlalchemy.Engine, table: str) -> tuple[str, ...]:
    """The triggers :func:`protect_append_only` installs on ``table`` in this database."""
    _check_table_name(table)
    return tuple(name.format(table=table) for name in TRIGGER_NAMES[_dialect(engine)])


def protect_append_only(engine: sqlalchemy.Engine, table: str) -> None:
    """Install (idempotently) the triggers that refuse UPDATE and DELETE on ``table``.

    Raises ``LookupError`` if the table does not exist yet, and ``ValueError`` for a name
    that is not a plain lowercase SQL identifier.
    """
    _check_table_name(table)
    dialect = _dialect(engine)
    with engine.begin() as connection:
        if dialect == "sqlite":
            _protect_sqlite(connection, table)
        else:
            _protect_postgres(connection, table)


def protect_event_store(engine: sqlalchemy.Engine, events_table_name: str) -> None:
    """Make the event store's table append-only (``app.recorder.events_table_name``)."""
    protect_append_only(engine, events_table_name)


def is_protected(engine: sqlalchemy.Engine, table: str) -> bool:
    """Whether every trigger guarding ``table`` is in place (and, on PostgreSQL, enabled)."""
    names = trigger_names(engine, table)
    with engine.connect() as connection:
        if _dialect(engine) == "sqlite":
            present = _sqlite_triggers(connection, table)
            return all(name in present for name in names)
        states = _postgres_trigger_states(connection, table)
        return all(states.get(name) in ("O", "A") for name in names)


def _dialect(engine: sqlalchemy.Engine) -> str:
    name = engine.dialect.name
    if name not in TRIGGER_NAMES:
        raise ValueError(f"append-only triggers support sqlite and postgresql, not {name}")
    return name


def _check_table_name(table: str) -> None:
    if not TABLE_NAME.fullmatch(table):
        raise ValueError(f"not a plain lowercase table name: {table!r}")
    if len(table) + _LONGEST_SUFFIX > POSTGRES_IDENTIFIER_MAX:
        raise ValueError(f"table name too long for its trigger names: {table!r}")


# SQLite


def _protect_sqlite(connection: Connection, table: str) -> None:
    exists = connection.execute(
        sqlalchemy.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :t"),
        {"t": table},
    ).first()
    if exists is None:
        raise LookupError(f"no table {table} to make append-only")
    no_update, no_delete, no_replace = trigger_names(connection.engine, table)
    for trigger, when, operation in (
        (no_update, "BEFORE UPDATE", "UPDATE"),
        (no_delete, "BEFORE DELETE", "DELETE"),
    ):
        connection.execute(
            sqlalchemy.text(
                f'CREATE TRIGGER IF NOT EXISTS "{trigger}" {when} ON "{table}" '
                f"BEGIN SELECT RAISE(ABORT, '{refusal_message(table, operation)}'); END"
            )
        )
    # Every rowid table has a rowid and every WITHOUT ROWID table a primary key, so
    # there is always a key to compare; "0" (never) only if SQLite reports none.
    taken = " OR ".join(
        f'EXISTS (SELECT 1 FROM "{table}" WHERE {condition})'  # noqa: S608 - names checked or quoted
        for condition in _sqlite_key_matches(connection, table)
    )
    message = refusal_message(table, "INSERT over an existing row")
    connection.execute(
        sqlalchemy.text(
            f'CREATE TRIGGER IF NOT EXISTS "{no_replace}" BEFORE INSERT ON "{table}" '
            f"WHEN {taken or '0'} BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
    )


def _sqlite_key_matches(connection: Connection, table: str) -> list[str]:
    """One SQL condition per key on which an INSERT OR REPLACE would delete a row."""
    conditions = []
    try:
        connection.execute(sqlalchemy.text(f'SELECT rowid FROM "{table}" LIMIT 0'))  # noqa: S608 - checked name
        conditions.append("rowid = NEW.rowid")  # covers INTEGER PRIMARY KEY, its alias
    except sqlalchemy.exc.OperationalError:
        pass  # a WITHOUT ROWID table: its primary key is listed as an index below
    indexes = connection.execute(sqlalchemy.text(f'PRAGMA index_list("{table}")')).all()
    for _seq, index, unique, _origin, partial in indexes:
        if not unique or partial:
            continue
        columns = connection.execute(sqlalchemy.text(f"PRAGMA index_info({_quote(index)})")).all()
        names = [column_name for _seqno, _cid, column_name in columns]
        if not names or any(name is None for name in names):
            continue  # an index on expressions: no plain column to compare
        conditions.append(" AND ".join(f"{_quote(n)} = NEW.{_quote(n)}" for n in names))
    return conditions


def _quote(identifier: str) -> str:
    """A name the database gave us (a column, an index), as a quoted SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def _sqlite_triggers(connection: Connection, table: str) -> set[str]:
    rows = connection.execute(
        sqlalchemy.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": table},
    )
    return {str(name) for (name,) in rows}


# PostgreSQL

_POSTGRES_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $kap$
BEGIN
    RAISE EXCEPTION 'kap-journeys: % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$kap$
"""

_POSTGRES_TRIGGERS = (
    ("BEFORE UPDATE", "FOR EACH ROW"),
    ("BEFORE DELETE", "FOR EACH ROW"),
    ("BEFORE TRUNCATE", "FOR EACH STATEMENT"),
)


def _protect_postgres(connection: Connection, table: str) -> None:
    # Serialise concurrent start-ups: CREATE OR REPLACE on one object at once can fail.
    connection.execute(sqlalchemy.text("SELECT pg_advisory_xact_lock(hashtext('kap-append-only'))"))
    if connection.execute(sqlalchemy.text("SELECT to_regclass(:t)"), {"t": table}).scalar() is None:
        raise LookupError(f"no table {table} to make append-only")
    connection.execute(sqlalchemy.text(_POSTGRES_FUNCTION_SQL))
    states = _postgres_trigger_states(connection, table)
    names = trigger_names(connection.engine, table)
    for trigger, (when, level) in zip(names, _POSTGRES_TRIGGERS, strict=True):
        state = states.get(trigger)
        if state is None:
            connection.execute(
                sqlalchemy.text(
                    f'CREATE OR REPLACE TRIGGER "{trigger}" {when} ON "{table}" '
                    f"{level} EXECUTE FUNCTION {POSTGRES_FUNCTION}()"
                )
            )
        if state != "A":
            connection.execute(
                sqlalchemy.text(f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER "{trigger}"')
            )


def _postgres_trigger_states(connection: Connection, table: str) -> dict[str, str]:
    """Our triggers on ``table`` that call our function, by name: their ``tgenabled``."""
    rows = connection.execute(
        sqlalchemy.text(
            "SELECT t.tgname, t.tgenabled FROM pg_trigger AS t "
            "JOIN pg_proc AS p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = to_regclass(:t) AND p.proname = :f AND NOT t.tgisinternal"
        ),
        {"t": table, "f": POSTGRES_FUNCTION},
    )
    return {str(name): str(enabled) for name, enabled in rows}
