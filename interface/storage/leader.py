"""One process at a time: who runs the projections, who signs the periodic checkpoint.

On PostgreSQL each duty is a session-level advisory lock, ``pg_try_advisory_lock(KAP,
duty)``, taken on a connection of its own and held for as long as the process does the
duty. The lock ends with its session, so a process that dies (even by SIGKILL) frees it at
once on its own machine, and within about ten seconds when its machine vanishes (the
session's own TCP keepalives); any other process, trying again every second, takes it
over. ``pg_stat_activity`` names the holder (``application_name``: the duty and its pid).

On SQLite there is one process (``serve --workers`` above 1 is refused), and it leads.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from dataclasses import dataclass
from typing import Any, Protocol

import psycopg
from sqlalchemy.engine import make_url

from interface.storage.deadlines import (
    KEEPALIVE_COUNT,
    KEEPALIVE_IDLE_S,
    KEEPALIVE_INTERVAL_S,
    TCP_USER_TIMEOUT_MS,
    DeadlineConnection,
    connection_options,
    serving_deadlines,
)
from interface.storage.environment import is_postgres_url

log = logging.getLogger("kap.leader")

LOCK_SPACE = 0x4B4150  # "KAP": the first key of every lock this service takes
RETRY_SECONDS = 1.0
"""How often a process that does not lead tries again (and one that leads checks)."""


@dataclass(frozen=True)
class Duty:
    name: str
    key: int
    """The second key of its advisory lock (``objid`` in ``pg_locks``)."""


PROJECTIONS = Duty("projections", 1)
CHECKPOINTS = Duty("checkpoints", 2)


class Leadership(Protocol):
    duty: Duty

    def hold(self) -> bool:
        """Whether this process leads now: takes the lock when it is free, checks it is
        still held when it was. Raises while the database is away (and leads no more)."""
        ...

    def release(self) -> None: ...


class SoleLeadership:
    """SQLite: the one process leads."""

    def __init__(self, duty: Duty) -> None:
        self.duty = duty

    def hold(self) -> bool:
        return True

    def release(self) -> None:
        pass


class AdvisoryLockLeadership:
    """A duty's advisory lock on a dedicated PostgreSQL session (not a pooled one: the
    lock lives exactly as long as the session, which must never serve anything else)."""

    def __init__(self, database_url: str, duty: Duty) -> None:
        self.duty = duty
        self._database_url = database_url
        self._connection: psycopg.Connection[Any] | None = None
        self._leading = False
        self._mutex = threading.Lock()  # the serving thread's /health reads; one session

    def hold(self) -> bool:
        with self._mutex, serving_deadlines():  # a stalled server: an error in seconds
            try:
                return self._hold()
            except psycopg.Error as error:
                if self._leading:
                    log.warning("%s lock lost (%s)", self.duty.name, type(error).__name__)
                self._close()
                raise

    def _hold(self) -> bool:
        if self._connection is None or self._connection.closed:
            self._connection = DeadlineConnection.connect(
                _conninfo(self._database_url, self.duty), autocommit=True
            )
            self._leading = False
        query = HELD if self._leading else TAKE
        row = self._connection.execute(query, (LOCK_SPACE, self.duty.key)).fetchone()
        leading = bool(row and row[0])
        if leading and not self._leading:
            log.info("this process now leads: %s (pid %d)", self.duty.name, os.getpid())
        elif self._leading and not leading:
            log.warning("%s lock no longer held", self.duty.name)
        self._leading = leading
        return leading

    def release(self) -> None:
        """Let go now (the server ends a closed session a moment later), then close."""
        with self._mutex, serving_deadlines():
            if self._leading and self._connection is not None:
                with contextlib.suppress(psycopg.Error):  # gone already: so is the lock
                    self._connection.execute(LET_GO, (LOCK_SPACE, self.duty.key))
            self._close()

    def _close(self) -> None:
        connection, self._connection, self._leading = self._connection, None, False
        if connection is not None:
            with contextlib.suppress(psycopg.Error):  # a dead session: closed all the same
                connection.close()


TAKE = "SELECT pg_try_advisory_lock(%s, %s)"
LET_GO = "SELECT pg_advisory_unlock(%s, %s)"
HELD = (
    "SELECT EXISTS (SELECT FROM pg_locks WHERE pid = pg_backend_pid() AND granted"
    " AND locktype = 'advisory' AND classid = %s AND objid = %s AND objsubid = 2)"
)
"""Still held (not only: still connected). The two-key form's ``objsubid`` is 2."""


def leadership_for(database_url: str, duty: Duty) -> Leadership:
    if is_postgres_url(database_url):
        return AdvisoryLockLeadership(database_url, duty)
    return SoleLeadership(duty)


def _conninfo(database_url: str, duty: Duty) -> str:
    """The libpq parameters of the URL, plus the service's timeouts, the server side's
    keepalives (so a vanished host's session, and its lock, ends in seconds), and a name
    in ``pg_stat_activity`` that says which process holds what."""
    url = make_url(database_url)
    server_side = (
        f"-c tcp_keepalives_idle={KEEPALIVE_IDLE_S} "
        f"-c tcp_keepalives_interval={KEEPALIVE_INTERVAL_S} "
        f"-c tcp_keepalives_count={KEEPALIVE_COUNT} "
        f"-c tcp_user_timeout={TCP_USER_TIMEOUT_MS}"
    )
    return psycopg.conninfo.make_conninfo(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        dbname=url.database or "",
        user=url.username or "postgres",
        password=url.password or None,
        application_name=f"kap-journeys {duty.name} pid {os.getpid()}",
        options=server_side,
        **{**url.query, **connection_options()},
    )
