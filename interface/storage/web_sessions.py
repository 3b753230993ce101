"""Dashboard sign-in sessions (not dosing sessions), kept server-side in the
``web_sessions`` table; a running service keeps one store, ``Services.web_sessions``.

Signing in with a token creates a row; the browser holds only a random session id in
an HttpOnly cookie. The row keeps the SHA-256 of that id (a copy of the table opens no
session) and the hash under which the token itself is stored, so revoking the token
ends its sessions at once. A session ends after ``IDLE`` without a request, ``LIFETIME``
after sign-in whatever happens, or at sign-out, which deletes the row. Each session has
its own CSRF token for the forms it posts.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy
from sqlalchemy import Column, Index, MetaData, String, Table, delete, select, update

from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.auth.tokens import hash_token
from interface.storage.readmodels.tables import UtcDateTime
from interface.storage.tokens import ApiToken

IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=8)
TOUCH_EVERY = timedelta(minutes=1)
"""A request extends the idle window; the row is rewritten at most this often."""

metadata = MetaData()

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("token_hash", String(64), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("seen_at", UtcDateTime, nullable=False),
    Index("ix_web_sessions_created_at", "created_at"),
)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class WebSession:
    """A live session: who it acts as and the CSRF token its forms carry."""

    principal: Principal
    csrf: str
    created_at: datetime


@dataclass(frozen=True)
class Expired:
    """The cookie named a session that has ended (idle, too old, or its token revoked)."""

    reason: str


class WebSessions:
    def __init__(self, engine: sqlalchemy.Engine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock

    def start(self, token: str) -> str:
        """A new session for this (already authenticated) token; returns its id."""
        session_id = secrets.token_urlsafe(32)
        now = self._clock()
        with self._engine.begin() as connection:
            connection.execute(
                delete(web_sessions).where(
                    (web_sessions.c.created_at < now - LIFETIME)
                    | (web_sessions.c.seen_at < now - IDLE)
                )
            )
            connection.execute(
                web_sessions.insert().values(
                    id_hash=_digest(session_id),
                    token_hash=hash_token(token),
                    csrf=secrets.token_urlsafe(32),
                    created_at=now,
                    seen_at=now,
                )
            )
        return session_id

    def resolve(self, session_id: str | None) -> WebSession | Expired | None:
        """The session this id names; ``Expired`` if it has ended, None if it is unknown."""
        if not session_id or len(session_id) > 128:
            return None
        key = _digest(session_id)
        query = (
            select(web_sessions, ApiToken.name, ApiToken.role, ApiToken.clinic_id)
            .join_from(
                web_sessions,
                ApiToken,
                (ApiToken.token_hash == web_sessions.c.token_hash) & ApiToken.revoked_at.is_(None),
                isouter=True,
            )
            .where(web_sessions.c.id_hash == key)
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            return None
        now = self._clock()
        reason = None
        if row.name is None:
            reason = "Your token was revoked: sign in with a current one."
        elif now - row.created_at > LIFETIME:
            reason = f"Sessions last {LIFETIME.seconds // 3600} hours: sign in again."
        elif now - row.seen_at > IDLE:
            reason = f"You were away over {IDLE.seconds // 60} minutes: sign in again."
        if reason is not None:
            self.end(session_id)
            return Expired(reason)
        if now - row.seen_at > TOUCH_EVERY:
            with self._engine.begin() as connection:
                connection.execute(
                    update(web_sessions).where(web_sessions.c.id_hash == key).values(seen_at=now)
                )
        principal = Principal(token_name=row.name, role=Role(row.role), clinic_id=row.clinic_id)
        return WebSession(principal, row.csrf, row.created_at)

    def end(self, session_id: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                delete(web_sessions).where(web_sessions.c.id_hash == _digest(session_id))
            )


def create_web_sessions_table(engine: sqlalchemy.Engine) -> None:
    """Create the table if missing (the token table it joins on must exist)."""
    try:
        metadata.create_all(engine)
    except sqlalchemy.exc.DBAPIError:
        metadata.create_all(engine)  # another worker created it meanwhile
