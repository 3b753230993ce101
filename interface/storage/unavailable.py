"""The errors that mean the database did not answer (down, unreachable, or every pooled
connection busy past the pool's wait): the API answers them 503, the pages with their
503 page, and the background work tries again later."""

from __future__ import annotations

import psycopg
import sqlalchemy.exc
from eventsourcing import persistence

DEADLINE_ENDED = (
    psycopg.errors.IdleInTransactionSessionTimeout,
    psycopg.errors.QueryCanceled,  # statement_timeout
    psycopg.errors.LockNotAvailable,  # lock_timeout
)
"""What the database says when one of the service's own deadlines ended a session or a
statement (``interface.storage.deadlines``): a wait, not a fault, answered as unavailable."""


def is_deadline_ended(error: BaseException) -> bool:
    """The error, or the driver error the event store wrapped in it, is a deadline's end."""
    return isinstance(error, DEADLINE_ENDED) or isinstance(error.__cause__, DEADLINE_ENDED)


UNAVAILABLE = (
    persistence.OperationalError,
    persistence.InterfaceError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,  # every pooled connection busy past the pool wait
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
