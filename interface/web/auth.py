"""Who is looking: the signed-in viewer of a page, from the session cookie.

Only staff and auditors have a dashboard. A page asks for ``SignedIn`` (either role) or
``AuditorOnly``; without a live session the browser is sent to sign in, and a staff
session on an auditor's page gets a 403 page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.services import Services
from interface.storage.web_sessions import Expired, WebSession

SESSION_COOKIE = "kap_session"
DASHBOARD_ROLES = frozenset({Role.STAFF, Role.AUDITOR})


@dataclass(frozen=True)
class Viewer:
    principal: Principal
    csrf: str
    """The session's CSRF token, for the hidden field of every form it posts."""

    @property
    def is_auditor(self) -> bool:
        return self.principal.role == Role.AUDITOR


class SignInRequiredError(Exception):
    """No live session: the answer is a redirect to the sign-in page."""

    def __init__(self, next_path: str, expired: bool = False) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.expired = expired

    def location(self) -> str:
        query = f"?next={quote(self.next_path, safe='/')}" if self.next_path != "/" else ""
        if self.expired:
            query += ("&" if query else "?") + "expired=1"
        return "/sign-in" + query


class RoleRefusedError(Exception):
    """A signed-in viewer whose role may not open this page (answered 403)."""


def current_session(request: Request) -> WebSession | Expired | None:
    services: Services = request.app.state.services
    return services.web_sessions.resolve(request.cookies.get(SESSION_COOKIE))


def local_path(candidate: str | None) -> str:
    """``candidate`` if it is a path on this site, else ``/`` (no open redirect)."""
    if (
        not candidate
        or not candidate.startswith("/")
        or candidate.startswith("//")
        or "\\" in candidate
        or any(ord(c) < 32 for c in candidate)
    ):
        return "/"
    return candidate


def signed_in(request: Request) -> Viewer:
    found = current_session(request)
    if not isinstance(found, WebSession) or found.principal.role not in DASHBOARD_ROLES:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequiredError(path, expired=isinstance(found, Expired))
    viewer = Viewer(found.principal, found.csrf)
    request.state.viewer = viewer
    return viewer


def auditor_only(viewer: Annotated[Viewer, Depends(signed_in)]) -> Viewer:
    if not viewer.is_auditor:
        raise RoleRefusedError("This page is for auditors.")
    return viewer


SignedIn = Annotated[Viewer, Depends(signed_in)]
AuditorOnly = Annotated[Viewer, Depends(auditor_only)]
