"""The last resort: an error no handler knows becomes a 500 problem here, and stops here.

Starlette answers an unknown error through the catch-all handler and then raises it again
so the server can log it, and uvicorn logs the traceback with the error's text, which can
quote patient data (a database error's "Failing row contains (...)"). Caught here, inside
the app, the error is logged by class and route only and goes no further.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interface.http.problems import problem
from interface.http.request_log import route_template

log = logging.getLogger("kap.http")


class UnexpectedErrors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answered = False

        async def watching_send(message: Message) -> None:
            nonlocal answered
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception as error:
            log.error(
                "unexpected %s on %s %s",
                type(error).__name__,
                scope["method"],
                route_template(scope),
            )
            if answered:
                return  # half an answer is out; the client sees the connection end
            answer = problem(
                500, "internal_error", "Something went wrong on our side; nothing was stored."
            )
            await answer(scope, receive, send)
