"""Every request waits on the database with the serving deadlines: a stalled database
answers 503 within seconds instead of holding the request (and its thread) for as long
as the stall lasts. Work outside requests (rebuilds, the projection thread) may take as
long as its queries need; see ``interface.storage.deadlines``."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from interface.storage.deadlines import serving_deadlines


class RequestDeadlines:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The context is copied into the thread pool that runs the synchronous routes.
        with serving_deadlines():
            await self.app(scope, receive, send)
