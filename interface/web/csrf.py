"""CSRF protection for the dashboard's forms.

Every form that changes something is a POST carrying a hidden ``csrf`` field. Signed
in, it must equal the session's own token (kept server-side). Before sign-in there is
no session, so the sign-in page sets a random pre-session cookie and puts the same value
in its form (double submit): another site can neither read that cookie nor set it, the
cookie being HttpOnly and SameSite=Strict. A POST whose ``Origin`` names another site is
refused outright as well.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

FIELD = "csrf"
PRESESSION_COOKIE = "kap_presession"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Both present, and equal (compared in constant time)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def same_origin(request: Request) -> bool:
    """True unless the browser says the form came from another origin."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None  # "null": a sandboxed or privacy-redirected origin: refuse
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc) == (request.url.scheme, request.url.netloc)
