"""How long anything waits for PostgreSQL, so a stalled database costs a request a few
seconds (then a 503) instead of hanging it for as long as the stall lasts.

A link that goes silent (a frozen server, a black-holing middlebox) still acknowledges
TCP, so keepalives and ``tcp_user_timeout`` never fire and the server's own
``statement_timeout`` never runs: only a deadline in the client ends the wait. Each round
trip to the server gets ``ANSWER_DEADLINE_S``; a connection that misses it is closed
(its state is unknown), never reused. The server-side timeouts sit just under it, so a
slow statement is cancelled cleanly by the server before the client gives up.

Budget for one request (under 5 s): a stuck round trip (3 s), or a connection attempt
(2 s), or a wait for a pooled connection (2 s), and then a 503.
"""

from __future__ import annotations

from typing import Any

import psycopg
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
)
from eventsourcing.utils import EnvType
from psycopg.abc import PQGen
from psycopg.errors import _WaitTimeout
from psycopg.rows import Row

CONNECT_TIMEOUT_S = 2  # libpq's smallest
ANSWER_DEADLINE_S = 3.0
STATEMENT_TIMEOUT_MS = 2500
LOCK_TIMEOUT_S = 2
IDLE_IN_TRANSACTION_S = 5  # a stalled client's transaction (and table lock) is ended
POOL_WAIT_S = 2
TCP_USER_TIMEOUT_MS = 5000  # unacknowledged bytes: a link that drops packets
KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT = 5, 2, 2

PERSISTENCE_TOPIC = f"{__name__}:DeadlinePostgresFactory"


def connection_options() -> dict[str, Any]:
    """libpq parameters every PostgreSQL connection of the service is opened with."""
    return {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE_S,
        "keepalives_interval": KEEPALIVE_INTERVAL_S,
        "keepalives_count": KEEPALIVE_COUNT,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
        "options": (
            f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
            f" -c lock_timeout={LOCK_TIMEOUT_S * 1000}"
            f" -c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_S * 1000}"
        ),
    }


class DatabaseDidNotAnswer(psycopg.OperationalError):
    """The server sent nothing back within the deadline (a 503, like any outage)."""


class DeadlineConnection(psycopg.Connection[Row]):
    """A psycopg connection whose every round trip ends within ``ANSWER_DEADLINE_S``."""

    def wait(self, gen: PQGen[Any], interval: float = 0.1, timeout: float | None = None) -> Any:
        if timeout is not None:  # the caller's own bound (e.g. waiting for notifications)
            return super().wait(gen, interval=interval, timeout=timeout)
        try:
            return super().wait(gen, interval=interval, timeout=ANSWER_DEADLINE_S)
        except _WaitTimeout:
            self.pgconn.finish()  # half a conversation: never hand this connection out again
            raise DatabaseDidNotAnswer(
                f"the database did not answer within {ANSWER_DEADLINE_S:g} s"
            ) from None


# The library retries a failed read or write ten times over (0.2 s apart): through a
# stall that is ten deadlines. Fail once and answer 503; the pool's pre-ping already
# replaces a connection a restart has dropped, and clients retry with their
# idempotency keys.
class FailFastAggregateRecorder(PostgresAggregateRecorder):
    insert_events = PostgresAggregateRecorder.insert_events.__wrapped__
    select_events = PostgresAggregateRecorder.select_events.__wrapped__


class FailFastApplicationRecorder(PostgresApplicationRecorder):
    insert_events = PostgresApplicationRecorder.insert_events.__wrapped__
    select_events = PostgresAggregateRecorder.select_events.__wrapped__
    select_notifications = PostgresApplicationRecorder.select_notifications.__wrapped__
    max_notification_id = PostgresApplicationRecorder.max_notification_id.__wrapped__


class DeadlinePostgresFactory(PostgresFactory):
    """The library's PostgreSQL persistence, with deadlines on every connection."""

    aggregate_recorder_class = FailFastAggregateRecorder
    application_recorder_class = FailFastApplicationRecorder

    def __init__(self, env: EnvType | None) -> None:
        super().__init__(env)
        pool = self.datastore.pool  # not opened yet: every connection it makes is ours
        pool.connection_class = DeadlineConnection
        assert isinstance(pool.kwargs, dict)
        pool.kwargs.update(connection_options())
