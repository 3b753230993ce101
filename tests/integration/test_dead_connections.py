"""No pre-ping round trip per checkout: a connection the server has ended (a restart, a
terminated backend) is found dead on its socket and replaced, or a read meets it and runs
once more, so the request after a restart is answered, not refused. A stall still fails
at once (``test_database_deadlines``, ``test_database_stall``)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from eventsourcing import persistence
from eventsourcing.cipher import AESCipher
from psycopg_pool import PoolTimeout

from application.journeys import Journeys
from interface.storage.deadlines import DatabaseDidNotAnswer, connection_was_dead, looks_alive
from interface.storage.engine import create_sql_engine
from interface.storage.environment import store_environment
from tests.databases import ADMIN_URL, throwaway_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def url() -> Iterator[str]:
    with throwaway_postgres() as database_url:
        yield database_url


def end_every_session(url: str) -> None:
    """What a server restart does to the service's open connections: each session ended,
    and gone (the timeout makes PostgreSQL wait for the backend to exit, so its goodbye is
    on the socket before the test goes on, as after a restart)."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )


def test_an_idle_connection_looks_alive_until_its_session_ends(url: str) -> None:
    with psycopg.connect(url) as connection:
        connection.execute("SELECT 1")
        connection.commit()
        assert looks_alive(connection)
        end_every_session(url)
        for _ in range(100):  # the goodbye reaches this side a moment later
            if not looks_alive(connection):
                break
            time.sleep(0.01)
        assert not looks_alive(connection)


def test_the_event_store_answers_the_first_read_after_its_sessions_end(url: str) -> None:
    journeys = Journeys(env=store_environment(url, AESCipher.create_key(16)))
    try:
        for _ in range(3):  # several pooled connections in use
            assert journeys.log_position() == 0
        end_every_session(url)
        assert journeys.log_position() == 0
        assert journeys.log_position() == 0
    finally:
        journeys.close()


def test_the_engine_answers_the_first_query_after_its_sessions_end(url: str) -> None:
    engine = create_sql_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
        end_every_session(url)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        engine.dispose()


def failure(cause: BaseException) -> persistence.OperationalError:
    error = persistence.OperationalError(str(cause))
    error.__cause__ = cause
    return error


def test_only_a_dead_connection_is_worth_a_second_try() -> None:
    assert connection_was_dead(failure(psycopg.OperationalError("server closed the connection")))
    assert connection_was_dead(failure(psycopg.errors.AdminShutdown("terminating connection")))
    assert not connection_was_dead(failure(DatabaseDidNotAnswer("stalled")))
    assert not connection_was_dead(failure(PoolTimeout("no connection in 2 s")))
    assert not connection_was_dead(failure(psycopg.errors.QueryCanceled("statement timeout")))
    assert not connection_was_dead(failure(psycopg.errors.LockNotAvailable("lock timeout")))
