"""How full each database pool of this process is, sampled after every request (and
before every scrape), into gauges that a multiprocess scrape sums over live workers.

Two pools per process: ``sql`` (SQLAlchemy's, for tokens, read models, checkpoints and
the access log) and ``event_store`` (the event store library's own, built with the
Journeys application; on SQLite the library's pool, on PostgreSQL psycopg's).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import psycopg_pool
from sqlalchemy.pool import QueuePool

from interface.metrics.registry import POOL_CAPACITY, POOL_IN_USE, POOL_OPEN
from interface.services import Services


class PoolUse(NamedTuple):
    in_use: int
    open: int
    max: int


def pool_use(pool: Any) -> PoolUse | None:
    """In use, open and at most, for the pool kinds this service builds; else None."""
    if isinstance(pool, psycopg_pool.ConnectionPool):
        stats = pool.get_stats()
        size, available = stats.get("pool_size", 0), stats.get("pool_available", 0)
        return PoolUse(size - available, size, pool.max_size)
    if isinstance(pool, QueuePool):
        in_use, idle = pool.checkedout(), pool.checkedin()
        return PoolUse(in_use, in_use + idle, pool.size() + max(pool._max_overflow, 0))
    if hasattr(pool, "num_in_use") and hasattr(pool, "num_in_pool"):  # the library's own
        in_use = int(pool.num_in_use)
        return PoolUse(in_use, in_use + int(pool.num_in_pool), pool.pool_size + pool.max_overflow)
    return None


def pools_of(services: Services) -> dict[str, Any]:
    """This process's pools; the event store's only once something has built it."""
    found: dict[str, Any] = {"sql": services.engine.pool}
    journeys = services.built_journeys()
    datastore = getattr(journeys.recorder, "datastore", None) if journeys else None
    if datastore is not None:
        found["event_store"] = datastore.pool
    return found


def sample_pool_use(services: Services) -> None:
    for name, pool in pools_of(services).items():
        use = pool_use(pool)
        if use is not None:
            POOL_IN_USE.labels(pool=name).set(use.in_use)
            POOL_OPEN.labels(pool=name).set(use.open)
            POOL_CAPACITY.labels(pool=name).set(use.max)
