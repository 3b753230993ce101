"""Hearing every token revocation, on every worker, without a round trip per request.

A revocation (``TokenStore.revoke``, ``replace``) sends ``NOTIFY kap_token_revocations``
in its own transaction, so PostgreSQL delivers it when it commits, to every process
listening. Each worker keeps one listening session and reads its socket (select with no
wait, no round trip) before it trusts a cached token: a revocation heard, or a session
lost, empties what it trusted. While it cannot listen (before it connects, during an
outage) it trusts nothing and looks every token up.

PostgreSQL signals every listening session when the revocation commits; the revoking
call returns once its own session has heard it. Another worker hears it as soon as its
session's server process runs, which on a loaded machine may be some milliseconds later:
that is the whole window, against the ``TRUSTED_FOR_S`` a token is otherwise trusted for.
"""

from __future__ import annotations

import select
import threading
import time
from typing import Any

import psycopg
import sqlalchemy
from psycopg.pq import ConnStatus

from interface.storage.deadlines import DeadlineConnection, connection_options

CHANNEL = "kap_token_revocations"
RECONNECT_AFTER_S = 5.0
HEARD_WITHIN_S = 1.0


class RevocationWatch:
    """One listening session; ``generation`` moves on at every revocation heard."""

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._lock = threading.Lock()
        self._connection: psycopg.Connection[Any] | None = None
        self._next_try = 0.0
        self._generation = 0
        self._closed = False

    @classmethod
    def for_engine(cls, engine: sqlalchemy.Engine) -> RevocationWatch | None:
        """A watch on the engine's PostgreSQL database (None for SQLite: one process)."""
        if engine.dialect.name != "postgresql":
            return None
        url = engine.url.set(drivername="postgresql")
        return cls(url.render_as_string(hide_password=False))

    def generation(self) -> int | None:
        """The count of revocations heard so far; None while none can be heard."""
        with self._lock:
            if self._connection is None:
                self._listen()
                return None  # a new session may have missed one: trust nothing yet
            if not self._heard_all():
                self._drop()
                return None
            return self._generation

    def forget(self) -> None:
        """This process revoked a token: what it trusted ends now, heard or not."""
        with self._lock:
            self._generation += 1

    def await_own(self, before: int) -> None:
        """Wait (briefly) until the session has heard a revocation sent after
        ``before``: every listening worker was told in the same moment."""
        deadline = time.monotonic() + HEARD_WITHIN_S
        while time.monotonic() < deadline:
            with self._lock:
                if self._connection is None or not self._heard_all():
                    return
                if self._generation > before:
                    return
                socket = self._connection.pgconn.socket
            select.select([socket], [], [], max(0.0, deadline - time.monotonic()))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop()

    def _listen(self) -> None:
        if self._closed or time.monotonic() < self._next_try:
            return
        self._next_try = time.monotonic() + RECONNECT_AFTER_S
        try:
            connection = DeadlineConnection.connect(
                self._conninfo, autocommit=True, **connection_options()
            )
            connection.execute(f"LISTEN {CHANNEL}".encode())
        except psycopg.Error:
            return
        self._connection = connection
        self._generation += 1

    def _heard_all(self) -> bool:
        """Read what the socket holds; False if the session is gone (or says something
        other than a notification: a server's goodbye)."""
        connection = self._connection
        if connection is None or connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        try:
            readable, _, _ = select.select([pgconn.socket], [], [], 0)
            if not readable:
                return True
            pgconn.consume_input()
            heard = 0
            while pgconn.notifies() is not None:
                heard += 1
        except (OSError, ValueError, psycopg.Error):
            return False
        self._generation += heard
        return heard > 0 and pgconn.status == ConnStatus.OK

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._generation += 1


def notify_revocation(connection: sqlalchemy.Connection) -> None:
    """Tell every worker, when this transaction commits (PostgreSQL only)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sqlalchemy.text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
