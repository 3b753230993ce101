"""How long anything waits for PostgreSQL, so a stalled database costs a request a few
seconds (then a 503) instead of hanging it for as long as the stall lasts.

A link that goes silent (a frozen server, a black-holing middlebox) still acknowledges
TCP, so keepalives and ``tcp_user_timeout`` never fire and the server's own
``statement_timeout`` never runs: only a deadline in the client ends the wait. Inside
``serving_deadlines()`` (every HTTP request) each round trip to the server gets
``ANSWER_DEADLINE_S``; a connection that misses it is closed (its state is unknown),
never reused. The server's ``statement_timeout`` and ``lock_timeout`` sit just under it,
so a slow statement is cancelled cleanly by the server before the client gives up.

Budget for one request (under 5 s): a stuck round trip (3 s), or a connection attempt
(2 s), or a wait for a pooled connection (2 s), and then a 503.

Outside a request (rebuilds, verification, exports, the projection thread) a statement
may run, and wait for a lock, as long as it needs: one query over a million events takes
seconds. Those waits are bounded only by the connect timeout and TCP keepalives (a link
that drops packets), and the event store's sessions keep the library's 5 s limit on a
transaction left idle.
"""

from __future__ import annotations

import select
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import ConnectionPool, PostgresDatastore
from psycopg.abc import PQGen
from psycopg.errors import _WaitTimeout
from psycopg.pq import ConnStatus
from psycopg.rows import DictRow, Row
from psycopg_pool import PoolTimeout

CONNECT_TIMEOUT_S = 2  # libpq's smallest
ANSWER_DEADLINE_S = 3.0
STATEMENT_TIMEOUT_MS = 2500
IDLE_IN_TRANSACTION_MS = 5000  # a stalled client's transaction (and its locks) ends
LOCK_TIMEOUT_MS = 2000
IDLE_IN_TRANSACTION_S = 5  # the event store's sessions, in the library's unit
POOL_WAIT_S = 2
TCP_USER_TIMEOUT_MS = 5000  # unacknowledged bytes: a link that drops packets
KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT = 5, 2, 2

_serving: ContextVar[bool] = ContextVar("serving_deadlines", default=False)


@contextmanager
def serving_deadlines() -> Iterator[None]:
    """Database waits in this context (and threads started from it) are bounded."""
    token = _serving.set(True)
    try:
        yield
    finally:
        _serving.reset(token)


def connection_options() -> dict[str, Any]:
    """libpq parameters every PostgreSQL connection of the service is opened with."""
    return {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE_S,
        "keepalives_interval": KEEPALIVE_INTERVAL_S,
        "keepalives_count": KEEPALIVE_COUNT,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
    }


class DatabaseDidNotAnswer(psycopg.OperationalError):
    """The server sent nothing back within the deadline (a 503, like any outage)."""


class DeadlineConnection(psycopg.Connection[Row]):
    """A psycopg connection whose every round trip, while serving, ends in time."""

    serving_session: bool = False
    """Whether the session's server-side timeouts are the serving ones (see ``fit``)."""

    def wait(self, gen: PQGen[Any], interval: float = 0.1, timeout: float | None = None) -> Any:
        if timeout is not None or not _serving.get():
            return super().wait(gen, interval=interval, timeout=timeout)
        try:
            return super().wait(gen, interval=interval, timeout=ANSWER_DEADLINE_S)
        except _WaitTimeout:
            self.pgconn.finish()  # half a conversation: never hand this connection out again
            raise DatabaseDidNotAnswer(
                f"the database did not answer within {ANSWER_DEADLINE_S:g} s"
            ) from None

    def fit(self, *, idle_in_transaction: bool) -> None:
        """Give the session the caller's server-side timeouts (only when they change, so
        an idle connection's checkout costs no round trip)."""
        serving = _serving.get()
        if self.serving_session == serving:
            return
        timeouts = {
            "statement_timeout": STATEMENT_TIMEOUT_MS,
            "lock_timeout": LOCK_TIMEOUT_MS,
        }
        if idle_in_transaction:
            timeouts["idle_in_transaction_session_timeout"] = IDLE_IN_TRANSACTION_MS
        autocommit = self.autocommit
        self.autocommit = True  # a session setting, not undone by the caller's rollback
        try:
            for name, milliseconds in timeouts.items():
                self.execute(f"SET {name} = {milliseconds if serving else 0}".encode())
        finally:
            if not self.closed:  # a stall closed it: its DatabaseDidNotAnswer stands
                self.autocommit = autocommit
        self.serving_session = serving


class DeadlineDatastore(PostgresDatastore):
    @contextmanager
    def get_connection(self) -> Iterator[psycopg.Connection[DictRow]]:
        with super().get_connection() as connection:
            if isinstance(connection, DeadlineConnection):
                # The library keeps its own idle-in-transaction timeout on these sessions.
                connection.fit(idle_in_transaction=False)
            yield connection


def looks_alive(connection: psycopg.Connection[Any]) -> bool:
    """Whether an idle pooled connection is still open, judged from the local socket
    alone (no round trip). An idle session is sent nothing, so anything there to read is
    a server that ended it (a restart, a terminated backend: its goodbye, an end of
    file), or something this service does not expect: either way, not reused."""
    if connection.closed or connection.broken:
        return False
    try:
        readable, _, _ = select.select([connection.pgconn.socket], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return False
    return not readable and connection.pgconn.status == ConnStatus.OK


class CheckedOutAlivePool(ConnectionPool[Any]):
    """Checks each connection it hands out on the local socket instead of a pre-ping
    round trip; one found dead is discarded (the pool opens another in the background)
    and the next is taken, so the connections a restart cut cost a request nothing."""

    def getconn(self, timeout: float | None = None) -> Any:
        for _ in range(self.max_size):
            connection = super().getconn(timeout)
            if looks_alive(connection):
                return connection
            connection.close()
            self.putconn(connection)  # a closed connection is dropped and replaced
        return super().getconn(timeout)


def connection_was_dead(error: BaseException) -> bool:
    """Whether a failed call met a connection that had already died (a restart's
    leftover the socket check could not see yet), so trying once more on another
    connection is safe and worth it. A stall (the deadline), a pool wait, a server-side
    timeout or a refused connection are not: they answer 503 at once."""
    if not isinstance(error, InterfaceError | OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, DatabaseDidNotAnswer | PoolTimeout):
        return False
    if isinstance(cause, psycopg.InterfaceError):
        return True
    if isinstance(cause, psycopg.OperationalError):
        state = cause.sqlstate
        return state is None or state.startswith("08") or state in {"57P01", "57P02"}
    return False


P = ParamSpec("P")
T = TypeVar("T")


def once_more_if_dead(read: Callable[P, T]) -> Callable[P, T]:
    """A recorder's read that met a dead connection runs once more (reads change
    nothing). Its pool's idle connections are tried first (one round trip each, only
    now): a restart ends them all, and the goodbye of one may not have reached its
    socket yet when it is checked out."""

    @wraps(read)
    def again(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return read(*args, **kwargs)
        except (InterfaceError, OperationalError) as error:
            if not connection_was_dead(error):
                raise
        pool = getattr(getattr(args[0], "datastore", None), "pool", None)
        if isinstance(pool, ConnectionPool):
            pool.check()
        return read(*args, **kwargs)

    return again
