"""Query parameters reach the read models' SQL (``?q=`` searches patient refs): one holding
a control character is refused here, for every route and page, before anything reads it."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from interface.http.problems import problem
from interface.http.wire_text import refused_character, why_refused


class QueryGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            refusal = _refusal(scope["query_string"].decode("latin-1"))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _refusal(query: str) -> Response | None:
    # Decoded as Starlette decodes it, so what is checked is what the routes would read.
    for name, value in parse_qsl(query, keep_blank_values=True):
        bad_name = refused_character(name)
        found = bad_name or refused_character(value)
        if found is None:
            continue
        where = "query" if bad_name else f"query.{name}"
        detail = f"{where}: {'a parameter name ' if bad_name else ''}{why_refused(found)}"
        loc = ["query"] if bad_name else ["query", name]
        return problem(
            422,
            "invalid_request",
            detail,
            errors=[{"loc": loc, "msg": why_refused(found), "type": "value_error"}],
        )
    return None
