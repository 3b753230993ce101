"""The event store's configuration, from one database URL and one cipher key."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from interface.storage import postgres, sqlite
from interface.storage.deadlines import IDLE_IN_TRANSACTION_S, POOL_WAIT_S

# The library's AES-GCM cipher on the cryptography package: the same stored format as
# eventsourcing.cipher (pycryptodome), about 20 times faster to decrypt here.
AES_CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
ZLIB_COMPRESSOR_TOPIC = "eventsourcing.compressor:ZlibCompressor"


SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")
"""The database URLs this service knows; the one place they are spelled."""


def is_postgres_url(database_url: str) -> bool:
    return database_url.startswith(POSTGRES_PREFIXES)


def sqlite_path(database_url: str) -> str:
    if not database_url.startswith(SQLITE_PREFIX):
        raise ValueError(f"not a sqlite:/// URL: {database_url.split(':', 1)[0]}")
    return database_url.removeprefix(SQLITE_PREFIX)


def store_environment(
    database_url: str, cipher_key: str, keep_aggregates: int = 0
) -> dict[str, str]:
    """The eventsourcing library's environment for this URL, encrypted at rest;
    ``keep_aggregates`` folded aggregates kept in memory (least recently used out)."""
    env = {
        "CIPHER_TOPIC": AES_CIPHER_TOPIC,
        "CIPHER_KEY": cipher_key,
        "COMPRESSOR_TOPIC": ZLIB_COMPRESSOR_TOPIC,
    }
    if keep_aggregates:
        # Aggregates kept in memory between requests, each brought up to date from the
        # store (the entries after its version: one query) before it is used, so other
        # processes' writes are always seen; a write that still loses a race fails on
        # its version and is decided again (``Journeys.append``). Not by default: a
        # kept journey is not read again, so rows altered under a running service
        # (triggers dropped) go unnoticed until it is reloaded or verified.
        env["AGGREGATE_CACHE_MAXSIZE"] = str(keep_aggregates)
        env["AGGREGATE_CACHE_FASTFORWARD"] = "y"
    if not is_postgres_url(database_url):
        env.update(PERSISTENCE_MODULE=sqlite.TOPIC, SQLITE_DBNAME=sqlite_path(database_url))
        env["SQLITE_LOCK_TIMEOUT"] = "10"
        return env
    url = urlsplit(database_url)
    env.update(
        # The library's PostgreSQL module, with deadlines on every wait (a stalled
        # database answers 503 in seconds): see interface.storage.deadlines.
        PERSISTENCE_MODULE=postgres.TOPIC,
        POSTGRES_DBNAME=unquote(url.path.lstrip("/")),
        POSTGRES_HOST=url.hostname or "127.0.0.1",
        POSTGRES_PORT=str(url.port or 5432),
        POSTGRES_USER=unquote(url.username or "postgres"),
        POSTGRES_PASSWORD=unquote(url.password or ""),
        POSTGRES_CONNECT_TIMEOUT=str(POOL_WAIT_S),  # the library's name for the pool wait
        POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT=str(IDLE_IN_TRANSACTION_S),
        POSTGRES_POOL_SIZE="5",
        POSTGRES_MAX_OVERFLOW="10",
        # No pre-ping round trip per checkout: the pool checks the socket instead and a
        # read retries once (interface.storage.deadlines.CheckedOutAlivePool).
        POSTGRES_PRE_PING="n",
    )
    return env


CLINIC_EVENTS_TABLE = "kapclinics_events"


def clinic_recorder(journey_log: object) -> ApplicationRecorder:
    """The clinics' events (``application.clinics``) in a table of their own, so the
    journey log holds journeys only, reached through the journeys' own connections: one
    pool per database, which is one pool to recover after an outage."""
    recorder: ApplicationRecorder
    if isinstance(journey_log, PostgresApplicationRecorder):
        recorder = postgres.FailFastApplicationRecorder(
            journey_log.datastore, events_table_name=CLINIC_EVENTS_TABLE
        )
    elif isinstance(journey_log, SQLiteApplicationRecorder):
        recorder = SQLiteApplicationRecorder(
            journey_log.datastore, events_table_name=CLINIC_EVENTS_TABLE
        )
    else:
        raise TypeError(f"no clinic store beside {type(journey_log).__name__}")
    recorder.create_table()
    return recorder


def events_table_name(recorder: object) -> str:
    """The table an application's events are stored in, for the store this module configures."""
    if not isinstance(recorder, SQLiteApplicationRecorder | PostgresApplicationRecorder):
        raise TypeError(f"no events table for {type(recorder).__name__}")
    return recorder.events_table_name
