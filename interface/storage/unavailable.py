"""The errors that mean the database did not answer (down, unreachable, or every pooled
connection busy past the pool's wait): the API answers them 503, the pages with their
503 page, and the background work tries again later."""

from __future__ import annotations

import psycopg
import sqlalchemy.exc
from eventsourcing import persistence

UNAVAILABLE = (
    persistence.OperationalError,
    persistence.InterfaceError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,  # every pooled connection busy past the pool wait
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
