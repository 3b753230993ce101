"""``serve`` started before its PostgreSQL database exists: /health answers 503 while the
database is away, never ``ok`` while the projections do not run, and once the database
is there the projections start by themselves and the caseload follows new journeys."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg
import pytest

from tests.databases import ADMIN_URL, require_postgres
from tests.e2e.server import CLI, Server, free_port
from tests.examples import VALID_JOURNEY_CREATE
from tests.integration.journeys_app import new_key
from tests.story import START

T = TypeVar("T")
pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@contextmanager
def database_made_later() -> Iterator[tuple[str, Callable[[], None]]]:
    """The URL of a database that does not exist yet, and how to make it (dropped after)."""
    require_postgres()
    name = f"kap_test_late_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(ADMIN_URL, autocommit=True)
    try:
        yield (
            f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}",
            lambda: admin.execute(f'CREATE DATABASE "{name}"'),
        )
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def serving(database_url: str, workdir: Path) -> Iterator[Server]:
    """``kap-journeys serve`` on a free port, up once /health answers (with any status)."""
    port = free_port()
    env = {**os.environ, "KAP_DATABASE_URL": database_url, "KAP_CIPHER_KEY": new_key()}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
    with (workdir / "server.log").open("w") as log:
        process = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = Server(f"http://127.0.0.1:{port}", env)
        try:
            until(lambda: _answers(server), 30, lambda: (workdir / "server.log").read_text())
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _answers(server: Server) -> bool | None:
    try:
        httpx.get(f"{server.url}/health", timeout=1)
    except httpx.HTTPError:
        return None
    return True


def until(found: Callable[[], T | None], within: float, why: Callable[[], object]) -> T:
    deadline = time.monotonic() + within
    while True:
        value = found()
        if value is not None:
            return value
        assert time.monotonic() < deadline, why()
        time.sleep(0.1)


def test_projections_start_by_themselves_once_a_late_database_is_there(tmp_path):
    seen: list[tuple[int, dict[str, Any]]] = []

    def health(server: Server) -> dict[str, Any]:
        answer = httpx.get(f"{server.url}/health", timeout=5)
        seen.append((answer.status_code, answer.json()))
        return seen[-1][1]

    with database_made_later() as (url, make_database), serving(url, tmp_path) as server:
        away = [health(server) for _ in range(5)]
        time.sleep(1.5)  # long enough for the retries to back off
        make_database()

        def all_running() -> dict[str, Any] | None:
            body = health(server)
            projections = body.get("projections", {}).values()
            return (
                body
                if body["status"] == "ok" and all(p.get("running", True) for p in projections)
                else None
            )

        running = until(all_running, 20, lambda: seen[-3:])
        system = server.token("clinic_system", "clinic-a", "ehr")
        staff = server.token("staff", "clinic-a", "front-desk")
        opened = httpx.post(
            f"{server.url}/v1/journeys",
            json={**VALID_JOURNEY_CREATE, "patient_ref": "MRN-7", "occurred_at": START.isoformat()},
            headers={"Authorization": f"Bearer {system}"},
        )
        assert opened.status_code == 201, opened.text

        def listed() -> list[str] | None:
            answer = httpx.get(
                f"{server.url}/v1/journeys", headers={"Authorization": f"Bearer {staff}"}
            )
            refs = [j["patient_ref"] for j in answer.json().get("journeys", [])]
            return refs if answer.status_code == 200 and refs else None

        caseload = until(listed, 10, lambda: seen[-3:])

    assert all(body["database"] == "unreachable" for body in away)
    assert all(status == 503 for status, _ in seen[: len(away)])
    assert {name: p["running"] for name, p in running["projections"].items()} == {
        "caseload": True,
        "findings": True,
    }
    not_running_but_ok = [
        body
        for status, body in seen
        if body["status"] == "ok"
        and not all(p.get("running", True) for p in body.get("projections", {}).values())
    ]
    assert not_running_but_ok == []
    assert caseload == ["MRN-7"]
