"""The ``api_tokens`` table: each token's hash, name, role and clinic, and when it was
revoked (what a token is and how it is hashed: ``interface.auth.tokens``)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy
from sqlalchemy import DateTime, Index, MetaData, String, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.auth.tokens import MAX_TOKEN_LENGTH, hash_token, new_token, validate_identifier


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


class TokenStore:
    """Issue, authenticate and revoke API tokens in the ``api_tokens`` table."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine

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
        with self._engine.begin() as connection:
            if replacing:
                connection.execute(self._revocation(name, clinic_id))
            connection.execute(
                sqlalchemy.insert(ApiToken).values(
                    token_hash=hash_token(token),
                    name=name,
                    role=role.value,
                    clinic_id=clinic_id,
                    created_at=_utcnow(),
                )
            )
        return token

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a live token; None if it is unknown, malformed or revoked."""
        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
            return None
        try:
            digest = hash_token(token)
        except UnicodeEncodeError:
            return None
        query = select(ApiToken.name, ApiToken.role, ApiToken.clinic_id).where(
            ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None)
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            return None
        return Principal(token_name=row.name, role=Role(row.role), clinic_id=row.clinic_id)

    def revoke(self, name: str, clinic_id: str) -> int:
        """Revoke the clinic's live tokens with this name; return how many were revoked."""
        validate_identifier(name, "token name")
        validate_identifier(clinic_id, "clinic id")
        with self._engine.begin() as connection:
            result = connection.execute(self._revocation(name, clinic_id))
        return result.rowcount

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
