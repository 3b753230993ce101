"""While serving a request every wait on PostgreSQL is bounded: a statement that runs a
little while completes, one that runs too long is cancelled by the server, and a link
that goes silent fails in one deadline (once, not the library's ten retries) on both the
event store and the SQLAlchemy engine. Outside a request (a rebuild) a long statement
runs to its end, on the same pooled connections."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import sqlalchemy
from eventsourcing import persistence
from eventsourcing.cipher import AESCipher

from application.journeys import Journeys
from interface.storage.deadlines import (
    ANSWER_DEADLINE_S,
    LOCK_TIMEOUT_MS,
    STATEMENT_TIMEOUT_MS,
    DatabaseDidNotAnswer,
    serving_deadlines,
)
from interface.storage.engine import create_sql_engine
from interface.storage.environment import store_environment
from tests.databases import throwaway_postgres
from tests.tcp_proxy import TcpProxy, tcp_proxy

pytestmark = pytest.mark.postgres

SLACK_S = 1.0


class Proxied(NamedTuple):
    url: str  # through the proxy
    proxy: TcpProxy
    direct: str


@pytest.fixture(scope="module")
def database_and_proxy() -> Iterator[Proxied]:
    with throwaway_postgres() as url:
        parts = urlsplit(url)
        with tcp_proxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
            netloc = f"{parts.username or 'postgres'}@127.0.0.1:{proxy.port}"
            yield Proxied(urlunsplit((parts.scheme, netloc, parts.path, "", "")), proxy, url)


@pytest.fixture
def proxied(database_and_proxy: Proxied) -> Iterator[Proxied]:
    """A database's URL through a proxy the test can stall (passing again afterwards)."""
    yield database_and_proxy
    database_and_proxy.proxy.set_mode("pass")


def _sleep(engine: sqlalchemy.Engine, seconds: float) -> None:
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text("SELECT pg_sleep(:s)"), {"s": seconds})


def test_a_request_statement_under_the_timeout_completes(proxied):
    engine = create_sql_engine(proxied.url)
    with serving_deadlines():
        _sleep(engine, STATEMENT_TIMEOUT_MS / 1000 - 1.0)
    engine.dispose()


def test_a_request_statement_over_the_timeout_is_cancelled_by_the_server(proxied):
    engine = create_sql_engine(proxied.url)
    started = time.monotonic()
    with serving_deadlines(), pytest.raises(sqlalchemy.exc.OperationalError) as raised:
        _sleep(engine, STATEMENT_TIMEOUT_MS / 1000 + 2.0)
    assert isinstance(raised.value.orig, psycopg.errors.QueryCanceled)
    assert time.monotonic() - started < STATEMENT_TIMEOUT_MS / 1000 + SLACK_S
    with serving_deadlines():
        _sleep(engine, 0)  # and the engine goes on
    engine.dispose()


def test_outside_a_request_a_long_statement_runs_to_its_end(proxied):
    engine = create_sql_engine(proxied.url)
    with serving_deadlines():
        _sleep(engine, 0)  # the pooled session has the serving timeouts
    _sleep(engine, ANSWER_DEADLINE_S + 0.3)  # and loses them for a rebuild's query
    with serving_deadlines(), pytest.raises(sqlalchemy.exc.OperationalError):
        _sleep(engine, STATEMENT_TIMEOUT_MS / 1000 + 2.0)  # and has them back
    engine.dispose()


def test_outside_a_request_a_long_event_store_query_runs_to_its_end(proxied):
    journeys = Journeys(env=store_environment(proxied.url, AESCipher.create_key(16)))
    with serving_deadlines():
        assert journeys.recorder.max_notification_id() is None
    datastore = journeys.recorder.datastore  # type: ignore[attr-defined]
    with datastore.transaction(commit=False) as cursor:
        cursor.execute("SELECT pg_sleep(%s)", (ANSWER_DEADLINE_S + 0.3,))
    with (
        serving_deadlines(),
        pytest.raises(persistence.OperationalError),
        datastore.transaction(commit=False) as cursor,
    ):
        cursor.execute("SELECT pg_sleep(%s)", (STATEMENT_TIMEOUT_MS / 1000 + 2.0,))
    journeys.close()


def test_a_silent_link_fails_an_engine_checkout_in_one_deadline(proxied):
    url, proxy, _ = proxied
    engine = create_sql_engine(url)
    _sleep(engine, 0)  # a pooled connection, pinged on its next checkout
    proxy.set_mode("blackhole")
    started = time.monotonic()
    with serving_deadlines(), pytest.raises(sqlalchemy.exc.OperationalError) as raised:
        _sleep(engine, 0)
    took = time.monotonic() - started
    assert isinstance(raised.value.orig, DatabaseDidNotAnswer)
    assert ANSWER_DEADLINE_S - 0.1 < took < ANSWER_DEADLINE_S + SLACK_S  # no reconnect after
    proxy.set_mode("pass")
    _sleep(engine, 0)  # the dead connection was dropped, a new one answers
    engine.dispose()


def test_a_silent_link_fails_an_event_store_read_once_within_the_deadline(proxied):
    url, proxy, _ = proxied
    journeys = Journeys(env=store_environment(url, AESCipher.create_key(16)))
    assert journeys.recorder.max_notification_id() is None
    proxy.set_mode("blackhole")
    started = time.monotonic()
    with serving_deadlines(), pytest.raises(persistence.OperationalError):
        journeys.recorder.max_notification_id()
    assert time.monotonic() - started < ANSWER_DEADLINE_S + SLACK_S
    proxy.set_mode("pass")
    assert journeys.recorder.max_notification_id() is None
    journeys.close()


def test_a_request_waits_for_a_lock_briefly_and_a_rebuild_until_it_is_released(proxied):
    engine = create_sql_engine(proxied.url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("CREATE TABLE IF NOT EXISTS busy (n INT)"))
    holder = psycopg.connect(proxied.direct, autocommit=False)
    holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
    count = sqlalchemy.text("SELECT count(*) FROM busy")
    started = time.monotonic()
    with (
        serving_deadlines(),
        pytest.raises(sqlalchemy.exc.OperationalError) as raised,
        engine.connect() as connection,
    ):
        connection.execute(count)
    assert isinstance(raised.value.orig, psycopg.errors.LockNotAvailable)
    assert time.monotonic() - started < LOCK_TIMEOUT_MS / 1000 + SLACK_S
    threading.Timer(LOCK_TIMEOUT_MS / 1000 + 0.5, holder.rollback).start()
    with engine.connect() as connection:
        assert connection.execute(count).scalar() == 0
    holder.close()
    engine.dispose()
