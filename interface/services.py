"""Everything a running service holds: the Journeys application and the token store.

Built lazily, on first use, so the process starts (and /health answers) even while the
database is down, and nothing connects at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

import sqlalchemy

from application.audit.checkpoints import CheckpointService, checkpoints_of
from application.clinics import Clinics
from application.journeys import Journeys, utc_now
from application.webhooks import Webhooks
from interface.audit.access_log import AccessLog, create_access_log_table
from interface.audit.signing import resolve_signing_key
from interface.readmodels.caseload import Caseloads
from interface.readmodels.findings import Findings
from interface.readmodels.runtime import BackgroundProjections, Projections
from interface.settings import Settings
from interface.storage.appendonly import protect_event_store
from interface.storage.checkpoints import SqlCheckpointStore
from interface.storage.engine import create_sql_engine
from interface.storage.environment import (
    clinic_recorder,
    events_table_name,
    store_environment,
)
from interface.storage.keys import resolve_cipher_key
from interface.storage.leader import PROJECTIONS, Duty, Leadership, leadership_for
from interface.storage.readmodels.dead_letters import count_live_dead_letters
from interface.storage.readmodels.generations import Generations
from interface.storage.readmodels.tables import SHAPES
from interface.storage.tokens import TokenStore
from interface.storage.web_sessions import WebSessions, create_web_sessions_table
from interface.webhooks.runtime import WebhookWorker
from interface.webhooks.wiring import webhooks_of, worker_of

T = TypeVar("T")


class Services:
    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.clock = clock
        self.engine: sqlalchemy.Engine = create_sql_engine(settings.database_url)
        self._lock = threading.RLock()  # re-entrant: one part may build another it needs
        self._built: dict[str, Any] = {}
        self.projections: BackgroundProjections | None = None
        self.webhook_worker: WebhookWorker | None = None

    def _once(self, name: str, build: Callable[[], T]) -> T:
        """The part called ``name``, built by the first caller (under the lock) and kept;
        a build that raises keeps nothing, so the next caller tries again."""
        if name not in self._built:
            with self._lock:
                if name not in self._built:
                    self._built[name] = build()
        return cast(T, self._built[name])

    @property
    def journeys(self) -> Journeys:
        return self._once("journeys", self._build_journeys)

    def _build_journeys(self) -> Journeys:
        env = store_environment(self.settings.database_url, resolve_cipher_key(self.settings))
        journeys = Journeys(env=env, clock=self.clock)
        # A journey whose opening no longer decrypts: the caseload remembers whose.
        journeys.clinic_fallback = lambda jid: self.caseloads.clinic_of(jid)
        # Each entry is decided with its clinic's directory, certification and protocols.
        journeys.clinic_context = lambda clinic_id: self.clinics.context(clinic_id)
        protect_event_store(self.engine, events_table_name(journeys.recorder))
        return journeys

    def built_journeys(self) -> Journeys | None:
        """The Journeys application if something built it (metrics read its pool)."""
        journeys: Journeys | None = self._built.get("journeys")
        return journeys

    @property
    def clinics(self) -> Clinics:
        return self._once("clinics", self._build_clinics)

    def _build_clinics(self) -> Clinics:
        # Clinics are kept in memory, each brought up to date by one query for its
        # changes since (another worker's too) whenever a request reads it.
        env = store_environment(
            self.settings.database_url, resolve_cipher_key(self.settings), keep_aggregates=1000
        )
        recorder = clinic_recorder(self.journeys.recorder)
        clinics = Clinics(env=env, clock=self.clock, recorder=recorder)
        protect_event_store(self.engine, events_table_name(clinics.recorder))
        return clinics

    @property
    def webhooks(self) -> Webhooks:
        return self._once("webhooks", lambda: webhooks_of(self))

    def start_webhooks(self) -> None:
        """Feed the webhook outbox and deliver it from a thread, if no other process does."""
        self.webhook_worker = worker_of(self)
        self.webhook_worker.start()

    def wake_webhooks(self) -> None:
        if self.webhook_worker is not None:
            self.webhook_worker.wake.set()

    @property
    def tokens(self) -> TokenStore:
        def build() -> TokenStore:
            store = TokenStore(self.engine)
            store.create_tables()
            return store

        return self._once("tokens", build)

    @property
    def checkpoints(self) -> CheckpointService:
        """The one checkpoint service of this process, its key resolved once (a missing
        or bad key raises each time it is asked for, and nothing is kept)."""
        return self._once(
            "checkpoints",
            lambda: checkpoints_of(
                lambda: self.journeys,
                SqlCheckpointStore(self.engine),
                resolve_signing_key(self.settings),
                clock=self.clock,
            ),
        )

    @property
    def access_log(self) -> AccessLog:
        """The access log, its table made (append-only) the first time it is asked for."""

        def build() -> AccessLog:
            create_access_log_table(self.engine)
            return AccessLog(self.engine, self.clock)

        return self._once("access_log", build)

    @property
    def web_sessions(self) -> WebSessions:
        """The dashboard's sign-in sessions, their table made on first use (after the
        token table they join on)."""

        def build() -> WebSessions:
            _ = self.tokens  # makes the token table first
            create_web_sessions_table(self.engine)
            return WebSessions(self.engine, self.clock)

        return self._once("web_sessions", build)

    @property
    def registry(self) -> Generations:
        return self._once("registry", lambda: Generations(self.engine))

    @property
    def caseloads(self) -> Caseloads:
        return Caseloads(self.engine, self.registry)

    @property
    def findings(self) -> Findings:
        return Findings(self.engine, self.registry)

    def leadership(self, duty: Duty) -> Leadership:
        """Whether this process does ``duty`` (one process at a time on PostgreSQL)."""
        return leadership_for(self.settings.database_url, duty)

    def start_projections(self) -> None:
        """Keep the read models current from a thread of this process, if no other
        process does: started even while the database is down (the thread keeps trying
        until it answers), and taking over within seconds from a projector that stops."""
        self.projections = BackgroundProjections(
            lambda: Projections(self.journeys, self.engine, self.registry),
            self.leadership(PROJECTIONS),
        )
        self.projections.start()

    def projection_positions(self) -> dict[str, int | None]:
        return {
            shape.name: (live.position if (live := self.registry.live(shape)) else None)
            for shape in SHAPES.values()
        }

    def projecting(self) -> bool | None:
        """Whether this process is the one that projects (holds the projector's lock);
        None when it never would (``serve --no-projections``)."""
        if not self.settings.run_projections:
            return None
        return self.projections is not None and self.projections.leading

    def projections_running(self) -> bool | None:
        """Whether this process's projections run and their last round went through;
        None when this process is not the one running them (``serve --no-projections``
        beside a ``project`` process, or another worker holds the projector's lock)."""
        if not self.settings.run_projections:
            return None
        if self.projections is not None and self.projections.standing_by:
            return None
        return self.projections is not None and self.projections.running

    def projection_dead_letters(self) -> int:
        """How many journeys the live read models skipped (see ``project --failures``)."""
        return count_live_dead_letters(self.registry.engine)  # the registry makes the table

    def database_reachable(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(sqlalchemy.text("SELECT 1"))
        except sqlalchemy.exc.SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        if self.webhook_worker is not None:
            self.webhook_worker.stop()
        if self.projections is not None:
            self.projections.stop()
        if "journeys" in self._built:
            self._built["journeys"].close()
        self.engine.dispose()
