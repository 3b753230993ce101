"""Each HTTP request counted by route template and status, and timed; a single append
also by its outcome (``interface.metrics.appends``).

Labels come from the matched route's template (``/v1/journeys/{journey_id}``), as in the
request log (``interface.http.request_log.route_template``): a journey id or a query
string in a label would make a series per journey, and a path can hold a patient ref.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interface.http.request_log import route_template
from interface.metrics.appends import SINGLE_APPEND, count_single_append
from interface.metrics.registry import HTTP_DURATION, HTTP_REQUESTS, UNMATCHED_ROUTE

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Any other method is counted as ``other``: a client must not mint label values."""


class RequestMetrics:
    """ASGI middleware; ``after_each`` runs after every answer (it samples pool use)."""

    def __init__(self, app: ASGIApp, after_each: Callable[[], None] | None = None) -> None:
        self.app = app
        self.after_each = after_each

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope["method"] if scope["method"] in KNOWN_METHODS else "other"
        status = 500  # unless an answer starts: an error escaped to the server
        refusal: list[bytes] | None = None  # a single append's 409, read for its rule

        async def send_noting_status(message: Message) -> None:
            nonlocal status, refusal
            if message["type"] == "http.response.start":
                status = message["status"]
                if status == 409 and (method, route_template(scope)) == SINGLE_APPEND:
                    refusal = []
            elif message["type"] == "http.response.body" and refusal is not None:
                refusal.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = route_template(scope) or UNMATCHED_ROUTE
            HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            HTTP_DURATION.labels(method=method, route=route).observe(time.perf_counter() - started)
            if (method, route) == SINGLE_APPEND:
                count_single_append(status, b"".join(refusal or []))
            if self.after_each is not None:
                self.after_each()
