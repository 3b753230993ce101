"""One place that turns ``KAP_DATABASE_URL`` into a SQLAlchemy engine.

``sqlite:///path`` opens that file (its directory is created) in WAL mode with a busy
timeout, so readers never block the writer and a brief lock waits instead of failing.
The file is created owner-only (0600; SQLite gives its -wal and -shm files the same
mode), and so is a directory made for it (0700): they hold patient refs and scores.
``postgresql://`` and ``postgres://`` use psycopg 3; each checkout looks at the
connection's socket (no round trip), so a connection dropped by a database restart is
replaced instead of failing a request, and
with the deadlines of ``interface.storage.deadlines``, so a stalled database fails a
request in seconds (a 503) instead of hanging it, while a rebuild's long query may run.
Errors never list the statement's parameters (``hide_parameters``): they hold patient
data, and errors reach operators' screens and logs. PostgreSQL's own message can still
quote a value (a duplicate key, a failing row, a bad input), so what operators see of an
error is its class and table, never its text.
Creating an engine never connects; the first query does.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import URL, ExceptionContext, make_url

from interface.storage.deadlines import (
    POOL_WAIT_S,
    DatabaseDidNotAnswer,
    DeadlineConnection,
    connection_options,
    looks_alive,
)
from interface.storage.environment import POSTGRES_PREFIXES, SQLITE_PREFIX

SQLITE_BUSY_TIMEOUT_MS = 5000


def create_sql_engine(database_url: str) -> sqlalchemy.Engine:
    """A SQLAlchemy engine for a ``sqlite:///path`` or ``postgresql://...`` URL."""
    if database_url.startswith(SQLITE_PREFIX):
        return _sqlite_engine(database_url.removeprefix(SQLITE_PREFIX))
    if database_url.startswith(POSTGRES_PREFIXES):
        return _postgres_engine(database_url)
    scheme = database_url.split(":", 1)[0] if ":" in database_url else database_url
    raise ValueError(
        f"unsupported database URL scheme {scheme!r}: "
        "expected sqlite:///path or postgresql://user:pass@host:port/db"
    )


def _sqlite_engine(path: str) -> sqlalchemy.Engine:
    if not path:
        raise ValueError("sqlite:/// URL names no file")
    if path != ":memory:":
        create_owner_only(Path(path))
    engine = sqlalchemy.create_engine(
        URL.create("sqlite", database=path), pool_timeout=POOL_WAIT_S, hide_parameters=True
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def create_owner_only(database: Path) -> None:
    """Create the SQLite file 0600 (and its directory 0700) before SQLite or the event
    store opens it; an existing file or directory keeps the mode its owner gave it."""
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(database, os.O_RDWR | os.O_CREAT, 0o600))


def _postgres_engine(database_url: str) -> sqlalchemy.Engine:
    url = make_url(database_url).set(drivername="postgresql+psycopg")
    engine = sqlalchemy.create_engine(
        url,
        pool_pre_ping=False,  # a round trip per checkout: the socket check replaces it
        pool_timeout=POOL_WAIT_S,
        hide_parameters=True,
        connect_args=connection_options(),
    )
    event.listen(engine, "do_connect", _deadline_connection)
    event.listen(engine, "checkout", _fit_session_to_caller)
    event.listen(engine, "handle_error", _no_second_wait_after_a_stall)
    return engine


def _deadline_connection(
    _dialect: Any, _record: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]
) -> DeadlineConnection[Any]:
    return DeadlineConnection.connect(*cargs, **cparams)


def _fit_session_to_caller(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A request's statements time out on the server; a rebuild's run as long as needed."""
    if not looks_alive(dbapi_connection):
        raise sqlalchemy.exc.DisconnectionError("the server closed this connection")
    if isinstance(dbapi_connection, DeadlineConnection):
        dbapi_connection.fit(idle_in_transaction=True)


def _no_second_wait_after_a_stall(context: ExceptionContext) -> None:
    """A pre-ping that got no answer fails the checkout at once: reconnecting through
    the same stall would spend a second wait (a connect timeout) of the request's budget."""
    if context.is_pre_ping and isinstance(context.original_exception, DatabaseDidNotAnswer):
        context.is_disconnect = False


def _configure_sqlite_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # LIKE is case-sensitive, as on PostgreSQL: a patient-reference search means the same.
        cursor.execute("PRAGMA case_sensitive_like=ON")
    finally:
        cursor.close()
