"""One structured line per request, and the request id that ties it to the client.

Uvicorn's access log printed each request line whole, query string and all, and a caseload
search (``?q=``) is a patient ref. This log writes one JSON object per request: time,
request id, method, the route's template (``/v1/journeys/{journey_id}``: neither the
client's path nor its query), status and duration. A client's X-Request-ID is kept if it
is a sane token, otherwise one is made; either way it is answered in X-Request-ID.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("kap.request")

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def request_id_from(given: bytes | None) -> str:
    """The client's id if it is 1-128 of letters, digits and ``._:-``; otherwise a new one."""
    text = (given or b"").decode("latin-1")
    return text if SANE_REQUEST_ID.match(text) else uuid.uuid4().hex


def route_template(scope: Scope) -> str | None:
    """The matched route's path template; None when no route matched (a 404)."""
    route = scope.get("route")
    if isinstance(route, Mount):
        return f"{route.path}/{{path}}"
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else None


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope["method"]  # before HEAD goes on as GET
        request_id = request_id_from(dict(scope["headers"]).get(b"x-request-id"))
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500  # unless an answer starts: an error escaped to the server

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            line: dict[str, Any] = {
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "request_id": request_id,
                "method": method,
                "path": route_template(scope),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            }
            log.info(json.dumps(line))


def serve_logging_config(uvicorn_config: dict[str, Any]) -> dict[str, Any]:
    """Uvicorn's logging, plus these request lines on stdout as bare JSON (one a line).

    Pass with ``access_log=False``: uvicorn's own access lines carry the query string.
    """
    config = copy.deepcopy(uvicorn_config)
    config["formatters"]["request_lines"] = {"format": "%(message)s"}
    config["handlers"]["request_lines"] = {
        "class": "logging.StreamHandler",
        "formatter": "request_lines",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["kap.request"] = {
        "handlers": ["request_lines"],
        "level": "INFO",
        "propagate": False,
    }
    return config
