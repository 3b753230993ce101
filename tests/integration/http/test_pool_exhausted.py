"""Every pooled database connection busy (a stall holds each for seconds): a request waits
a bounded time for one, then answers 503 like any outage, never a 500 or a long hang."""

from __future__ import annotations

import time

from interface.storage.deadlines import POOL_WAIT_S

POOL_CONNECTIONS = 5 + 10  # SQLAlchemy's default pool size and overflow


def test_a_request_with_every_connection_busy_answers_503_after_the_pool_wait(api):
    engine = api.app.state.services.engine
    held = [engine.connect() for _ in range(POOL_CONNECTIONS)]
    try:
        started = time.monotonic()
        answer = api.client.get("/v1/journeys", headers=api.headers(api.tokens["staff"]))
        took = time.monotonic() - started
    finally:
        for connection in held:
            connection.close()
    assert answer.status_code == 503, answer.text
    assert answer.json()["code"] == "database_unavailable"
    assert POOL_WAIT_S - 0.1 < took < POOL_WAIT_S + 1.5
    again = api.client.get("/v1/journeys", headers=api.headers(api.tokens["staff"]))
    assert again.status_code == 200, again.text
