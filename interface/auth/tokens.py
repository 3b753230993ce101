"""API tokens: issued once in plaintext, stored only as a SHA-256 hash.

A token is ``kap_`` followed by 32 random bytes (URL-safe base64). Because it carries
256 bits of randomness, a plain SHA-256 is enough (no salt or slow hash is needed), and
looking a token up by its hash means the comparison the database does never involves
the secret itself: timing can reveal at most something about a hash, not the token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime

import sqlalchemy
from sqlalchemy import DateTime, Index, MetaData, String, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from interface.auth.principal import Principal
from interface.auth.roles import Role

TOKEN_PREFIX = "kap_"  # noqa: S105 - a public prefix, not a secret
MAX_TOKEN_LENGTH = 256
"""Anything longer is not one of ours; refused before hashing."""

_IDENTIFIER = re.compile(r"[A-Za-z0-9._-]{1,64}")


def validate_identifier(value: str, what: str = "identifier") -> str:
    """Return ``value`` if it is 1-64 characters of ``[A-Za-z0-9._-]``, else ValueError."""
    if not isinstance(value, str) or _IDENTIFIER.fullmatch(value) is None:
        raise ValueError(f"{what} must be 1-64 characters of A-Z a-z 0-9 . _ -, got {value!r}")
    return value


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
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
