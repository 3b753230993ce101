"""Everything a running service holds: the Journeys application and the token store.

Built lazily, on first use, so the process starts (and /health answers) even while the
database is down, and nothing connects at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import sqlalchemy

from application.audit.checkpoints import CheckpointService, checkpoints_of
from application.journeys import Journeys, utc_now
from interface.audit.access_log import AccessLog, create_access_log_table
from interface.audit.signing import resolve_signing_key
from interface.readmodels.caseload import Caseloads
from interface.readmodels.findings import Findings
from interface.readmodels.runtime import BackgroundProjections, Projections
from interface.settings import Settings
from interface.storage.appendonly import protect_event_store
from interface.storage.checkpoints import SqlCheckpointStore
from interface.storage.engine import create_sql_engine
from interface.storage.environment import events_table_name, store_environment
from interface.storage.keys import resolve_cipher_key
from interface.storage.readmodels.dead_letters import count_live_dead_letters
from interface.storage.readmodels.generations import Generations
from interface.storage.readmodels.tables import SHAPES
from interface.storage.tokens import TokenStore
from interface.storage.web_sessions import WebSessions, create_web_sessions_table


class Services:
    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.clock = clock
        self.engine: sqlalchemy.Engine = create_sql_engine(settings.database_url)
        self._lock = threading.Lock()
        self._journeys: Journeys | None = None
        self._tokens: TokenStore | None = None
        self._registry: Generations | None = None
        self._checkpoints: CheckpointService | None = None
        self._access_log: AccessLog | None = None
        self._web_sessions: WebSessions | None = None
        self.projections: BackgroundProjections | None = None

    @property
    def journeys(self) -> Journeys:
        if self._journeys is None:
            with self._lock:
                if self._journeys is None:
                    if not self.settings.is_postgres:
                        self.settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
                    env = store_environment(
                        self.settings.database_url, resolve_cipher_key(self.settings)
                    )
                    journeys = Journeys(env=env, clock=self.clock)
                    # A journey whose opening no longer decrypts: the caseload remembers whose.
                    journeys.clinic_fallback = lambda jid: self.caseloads.clinic_of(jid)
                    protect_event_store(self.engine, events_table_name(journeys.recorder))
                    self._journeys = journeys
        return self._journeys

    @property
    def tokens(self) -> TokenStore:
        if self._tokens is None:
            with self._lock:
                if self._tokens is None:
                    store = TokenStore(self.engine)
                    store.create_tables()
                    self._tokens = store
        return self._tokens

    @property
    def checkpoints(self) -> CheckpointService:
        """The one checkpoint service of this process, its key resolved once (a missing
        or bad key raises each time it is asked for, and nothing is kept)."""
        if self._checkpoints is None:
            with self._lock:
                if self._checkpoints is None:
                    self._checkpoints = checkpoints_of(
                        lambda: self.journeys,
                        SqlCheckpointStore(self.engine),
                        resolve_signing_key(self.settings),
                        clock=self.clock,
                    )
        return self._checkpoints

    @property
    def access_log(self) -> AccessLog:
        """The access log, its table made (append-only) the first time it is asked for."""
        if self._access_log is None:
            with self._lock:
                if self._access_log is None:
                    create_access_log_table(self.engine)
                    self._access_log = AccessLog(self.engine, self.clock)
        return self._access_log

    @property
    def web_sessions(self) -> WebSessions:
        """The dashboard's sign-in sessions, their table made on first use (after the
        token table they join on)."""
        if self._web_sessions is None:
            _ = self.tokens  # makes the token table first
            with self._lock:
                if self._web_sessions is None:
                    create_web_sessions_table(self.engine)
                    self._web_sessions = WebSessions(self.engine, self.clock)
        return self._web_sessions

    @property
    def registry(self) -> Generations:
        if self._registry is None:
            with self._lock:
                if self._registry is None:
                    self._registry = Generations(self.engine)
        return self._registry

    @property
    def caseloads(self) -> Caseloads:
        return Caseloads(self.engine, self.registry)

    @property
    def findings(self) -> Findings:
        return Findings(self.engine, self.registry)

    def start_projections(self) -> None:
        """Keep the read models current from a thread of this process: started even
        while the database is down (the thread keeps trying until it answers)."""
        self.projections = BackgroundProjections(
            lambda: Projections(self.journeys, self.engine, self.registry)
        )
        self.projections.start()

    def projection_positions(self) -> dict[str, int | None]:
        return {
            shape.name: (live.position if (live := self.registry.live(shape)) else None)
            for shape in SHAPES.values()
        }

    def projections_running(self) -> bool | None:
        """Whether this process's projections run and their last round went through;
        None when this process is not the one running them (``serve --no-projections``
        beside a ``project`` process)."""
        if not self.settings.run_projections:
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
        if self.projections is not None:
            self.projections.stop()
        if self._journeys is not None:
            self._journeys.close()
        self.engine.dispose()
