"""Hearing every save to the journey log, from any process, as it commits.

The library's PostgreSQL recorder sends ``NOTIFY <channel>`` in every transaction that
inserts events, so PostgreSQL tells each listening session when another worker's save
commits. The process that runs the projections listens and wakes them: under
``serve --workers N`` an append on any worker reaches the read models as soon as one
on the projecting worker does, instead of at the projections' next poll. The poll
stays as the fallback (a session lost, an outage): nothing depends on a notice
arriving, only how soon.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
import sqlalchemy
from psycopg import sql

from interface.storage.deadlines import connection_options

log = logging.getLogger("kap.projections")
LISTEN_AGAIN_AFTER_S = 5.0
STOP_CHECK_S = 0.1


class SaveNotices:
    """A thread with one listening session, calling ``heard`` for each save's notice."""

    def __init__(self, conninfo: str, channel: str, heard: Callable[[], None]) -> None:
        self._conninfo = conninfo
        self._channel = channel
        self._heard = heard
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="save-notices", daemon=True)
        self.listening = threading.Event()
        """Set while a session listens (tests wait for it before they save)."""

    @classmethod
    def for_engine(
        cls, engine: sqlalchemy.Engine, channel: str, heard: Callable[[], None]
    ) -> SaveNotices | None:
        """A listener on the engine's PostgreSQL database (None for SQLite, where the
        projections share the one process that writes)."""
        if engine.dialect.name != "postgresql":
            return None
        url = engine.url.set(drivername="postgresql")
        return cls(url.render_as_string(hide_password=False), channel, heard)

    def start(self) -> None:
        self._thread.start()

    def again(self) -> SaveNotices:
        """A listener like this one, not started (a thread runs once: a new term as
        projector starts a new one)."""
        return SaveNotices(self._conninfo, self._channel, self._heard)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=STOP_CHECK_S + 5)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen()
            except psycopg.Error as error:
                log.info("not hearing saves (%s); polling meanwhile", type(error).__name__)
            finally:
                self.listening.clear()
            self._stopping.wait(LISTEN_AGAIN_AFTER_S)

    def _listen(self) -> None:
        with psycopg.connect(
            self._conninfo,
            autocommit=True,
            application_name="kap-journeys save notices",
            **connection_options(),
        ) as connection:
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
            self.listening.set()
            while not self._stopping.is_set():
                # Wakes every tenth of a second to see whether it should stop (no
                # round trip: it only reads the socket), so stopping is prompt.
                for _ in connection.notifies(timeout=STOP_CHECK_S):
                    self._heard()
