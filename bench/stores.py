"""Throwaway databases and the applications the benchmarks run on them.

A SQLite file in a temporary directory, or a fresh PostgreSQL database created for the
run and dropped afterwards. The project's ``Journeys`` gets its real configuration
(``store_environment``: AES encryption and zlib compression); the bare baseline gets the
library's defaults on the same database (no cipher, no compression, no snapshots).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.cipher import AESCipher
from eventsourcing.domain import Aggregate, event

from application.journeys import Journeys
from interface.storage.environment import store_environment

ADMIN_URL = os.environ.get(
    "KAP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True)
class Store:
    """One database under test: its kind, its URL, and where the bare baseline goes."""

    kind: str  # "sqlite" or "postgres"
    url: str
    bare_env: dict[str, str]


def postgres_unavailable_reason() -> str | None:
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"{ADMIN_URL}: {str(error).strip().splitlines()[0]}"


def postgres_version() -> str:
    with psycopg.connect(ADMIN_URL, connect_timeout=3) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


@contextmanager
def sqlite_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory(prefix="kap-bench-") as folder:
        # The library's SQLite tables have fixed names: the baseline gets its own file.
        bare = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(Path(folder) / "bare.db"),
        }
        yield Store("sqlite", f"sqlite:///{Path(folder) / 'kap.db'}", bare)


@contextmanager
def postgres_store() -> Iterator[Store]:
    name = f"kap_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    env = store_environment(url, AESCipher.create_key(16))
    # Same database; the library names Postgres tables after the application.
    bare = {k: v for k, v in env.items() if k.startswith(("POSTGRES_", "PERSISTENCE_MODULE"))}
    try:
        yield Store("postgres", url, bare)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def journeys(store: Store, key: str, now: datetime, *, snapshots: bool = True) -> Journeys:
    """The project's application, configured as in production (optionally unsnapshotted)."""
    env = store_environment(store.url, key)
    if not snapshots:
        env["IS_SNAPSHOTTING_ENABLED"] = "n"  # no snapshot store: loads replay every event
    return Journeys(env=env, clock=FixedClock(now))


class Counter(Aggregate):
    """The trivial aggregate of the baseline: one event type, one integer."""

    def __init__(self) -> None:
        self.count = 0

    @event("Incremented")
    def increment(self) -> None:
        self.count += 1


class BareCounters(Application[Any]):
    """The bare library: default transcoder, no cipher, no compression, no snapshots."""

    name = "BareCounters"


def bare_app(store: Store) -> BareCounters:
    env = dict(store.bare_env)
    # Empty topics win over any set in the process environment: no cipher, no zlib.
    env.update(IS_SNAPSHOTTING_ENABLED="n", CIPHER_TOPIC="", COMPRESSOR_TOPIC="")
    return BareCounters(env=env)
