"""API tokens: issued once in plaintext, stored only as a SHA-256 hash.

A token is ``kap_`` followed by 32 random bytes (URL-safe base64). Because it carries
256 bits of randomness, a plain SHA-256 is enough (no salt or slow hash is needed), and
looking a token up by its hash means the comparison the database does never involves
the secret itself: timing can reveal at most something about a hash, not the token.
Stored in ``interface.storage.tokens``.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_PREFIX = "kap_"  # noqa: S105 - a public prefix, not a secret
MAX_TOKEN_LENGTH = 256
"""Anything longer is not one of ours; refused before hashing."""

_IDENTIFIER = re.compile(r"[A-Za-z0-9._-]{1,64}")


def validate_identifier(value: str, what: str = "identifier") -> str:
    """Return ``value`` if it is 1-64 characters of ``[A-Za-z0-9._-]``, else ValueError."""
    if not isinstance(value, str) or _IDENTIFIER.fullmatch(value) is None:
        raise ValueError(f"{what} must be 1-64 characters of A-Z a-z 0-9 . _ -, got {value!r}")
    return value


def new_token() -> str:
    """A fresh token's plaintext."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
