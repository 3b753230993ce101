"""The methods a path allows, for the ``Allow`` header every 405 carries (RFC 9110).

Starlette names only the methods of the first route that matched the path; a path served
by two routes (GET and POST ``/v1/journeys``) allows both, and HEAD wherever GET is."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles

READ_ONLY = frozenset({"GET", "HEAD"})
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> str:
    # Each method is put to the router as a fresh probe: FastAPI nests included routers,
    # so asking the routes themselves is the one way that does not depend on its insides.
    scope = request.scope
    root_path = scope.get("app_root_path", scope.get("root_path", ""))
    methods: set[str] = set()
    for method in METHODS:
        probe = {"type": "http", "path": scope["path"], "root_path": root_path, "method": method}
        for route in request.app.router.routes:
            match, _ = route.matches(probe)
            if isinstance(route, Mount):
                if match is not Match.NONE and isinstance(route.app, StaticFiles):
                    methods |= READ_ONLY
            elif match is Match.FULL:
                methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))
