"""An app whose lifespan is started twice (schemathesis starts one beside the test's own
client) runs one projector and one webhook worker, and its close stops them: before,
the second start replaced the first's, which then ran on against a closed pool for the
rest of the process."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from interface.http.app import create_app
from tests.integration.http.conftest import build_settings

BACKGROUND = {"projections", "projector-lock", "webhooks"}


def background_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t.name in BACKGROUND)


def test_a_second_start_starts_nothing_more_and_close_stops_all(tmp_path) -> None:
    before = background_threads()
    app = create_app(build_settings(f"sqlite:///{tmp_path / 'kap.db'}"))
    with TestClient(app) as first:
        started = background_threads()
        assert sorted(set(started) - set(before)) == sorted(BACKGROUND)
        with TestClient(app) as second:
            assert background_threads() == started
            assert second.get("/health").status_code == 200
        assert first.get("/health").status_code == 200
    deadline = time.monotonic() + 10
    while background_threads() != before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert background_threads() == before
