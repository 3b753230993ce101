"""The ``api_tokens`` table: each token's hash, name, role and clinic, and when it was
revoked (what a token is and how it is hashed: ``interface.auth.tokens``).

On PostgreSQL a live token is trusted from memory for a few seconds (no query per
request) for as long as this process hears every revocation (``revocations``): one
heard, in any process, ends what it trusted at once.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import NamedTuple

import sqlalchemy
from sqlalchemy import DateTime, Index, MetaData, String, event, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.auth.tokens import MAX_TOKEN_LENGTH, hash_token, new_token, validate_identifier
from interface.storage.deadlines import DatabaseDidNotAnswer
from interface.storage.revocations import RevocationWatch, notify_revocation

TRUSTED_FOR_S = 10.0
TRUSTED_AT_MOST = 4096


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AuthBase(DeclarativeBase):
    """Declarative base for authentication tables; ``AuthBase.metadata.create_all``."""

    metadata = MetaData()


class ApiToken(AuthBase):
    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_clinic_id_name", "clinic_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    clinic_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Trusted(NamedTuple):
    principal: Principal
    until: float
    generation: int


class TokenStore:
    """Issue, authenticate and revoke API tokens in the ``api_tokens`` table."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine
        self._watch = RevocationWatch.for_engine(engine)
        self._trusted: dict[str, Trusted] = {}
        self._trusted_lock = threading.Lock()
        if self._watch is not None:
            event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()

    def create_tables(self) -> None:
        AuthBase.metadata.create_all(self._engine)

    def issue(self, role: Role, clinic_id: str, name: str) -> str:
        """Store a new token and return its plaintext, the only time it is available."""
        return self._issue(role, clinic_id, name, replacing=False)

    def replace(self, role: Role, clinic_id: str, name: str) -> str:
        """Revoke the clinic's live tokens with this name and issue one new token, in one
        transaction: the new one is the only one of that name that works."""
        return self._issue(role, clinic_id, name, replacing=True)

    def _issue(self, role: Role, clinic_id: str, name: str, replacing: bool) -> str:
        role = Role(role)
        validate_identifier(clinic_id, "clinic id")
        validate_identifier(name, "token name")
        token = new_token()
        before = self._listening() if replacing else None
        with self._engine.begin() as connection:
            if replacing:
                connection.execute(self._revocation(name, clinic_id))
                notify_revocation(connection)
            connection.execute(
                sqlalchemy.insert(ApiToken).values(
                    token_hash=hash_token(token),
                    name=name,
                    role=role.value,
                    clinic_id=clinic_id,
                    created_at=_utcnow(),
                )
            )
        if replacing:
            self._revoked(before)
        return token

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a live token; None if it is unknown, malformed or revoked."""
        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
            return None
        try:
            digest = hash_token(token)
        except UnicodeEncodeError:
            return None
        generation = self._watch.generation() if self._watch else None
        if generation is not None:
            trusted = self._trusted.get(digest)
            if trusted and trusted.generation == generation and time.monotonic() < trusted.until:
                return trusted.principal
        principal = self._looked_up(digest)
        if principal is not None and generation is not None:
            with self._trusted_lock:
                if len(self._trusted) >= TRUSTED_AT_MOST:
                    self._trusted.clear()
                until = time.monotonic() + TRUSTED_FOR_S
                self._trusted[digest] = Trusted(principal, until, generation)
        return principal

    def _looked_up(self, digest: str) -> Principal | None:
        query = select(ApiToken.name, ApiToken.role, ApiToken.clinic_id).where(
            ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None)
        )
        try:
            row = self._row(query)
        except sqlalchemy.exc.DBAPIError as error:
            if not error.connection_invalidated or isinstance(error.orig, DatabaseDidNotAnswer):
                raise
            row = self._row(query)  # a connection a restart had cut: once more, on a new one
        if row is None:
            return None
        return Principal(token_name=row.name, role=Role(row.role), clinic_id=row.clinic_id)

    def _row(self, query: sqlalchemy.Select[str, str, str]) -> sqlalchemy.Row[str, str, str] | None:
        with self._engine.connect() as connection:
            return connection.execute(query).one_or_none()

    def revoke(self, name: str, clinic_id: str) -> int:
        """Revoke the clinic's live tokens with this name; return how many were revoked."""
        validate_identifier(name, "token name")
        validate_identifier(clinic_id, "clinic id")
        before = self._listening()
        with self._engine.begin() as connection:
            result = connection.execute(self._revocation(name, clinic_id))
            notify_revocation(connection)
        self._revoked(before)
        return result.rowcount

    def _listening(self) -> int | None:
        """The revocations heard so far, listening first if this process was not."""
        if self._watch is None:
            return None
        heard = self._watch.generation()
        return heard if heard is not None else self._watch.generation()

    def _revoked(self, before: int | None) -> None:
        """This process trusts none of its tokens now; return once the revocation was
        heard here too (so every listening worker has been told)."""
        if self._watch is None:
            return
        if before is not None:
            self._watch.await_own(before)
        self._watch.forget()

    @staticmethod
    def _revocation(name: str, clinic_id: str) -> sqlalchemy.Update:
        return (
            update(ApiToken)
            .where(
                ApiToken.name == name,
                ApiToken.clinic_id == clinic_id,
                ApiToken.revoked_at.is_(None),
            )
            .values(revoked_at=_utcnow())
        )
