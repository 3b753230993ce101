"""The dashboard over HTTP (TestClient), on SQLite and PostgreSQL, with the demo clinic
seeded into clinic-a; a signed-in client per role."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from interface.demo.seed import seed_demo_clinic
from tests.databases import throwaway_postgres
from tests.integration.http.conftest import CLINIC, Api, running_api
from tests.integration.http.conftest import api as api  # a fresh app per test

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "no csrf field in the form"
    return found.group(1)


def client_for(api: Api, base_url: str = "http://testserver") -> TestClient:
    """Another browser on the same app (no lifespan of its own)."""
    return TestClient(api.app, base_url=base_url, follow_redirects=False)


def sign_in(api: Api, token: str, base_url: str = "http://testserver") -> TestClient:
    client = client_for(api, base_url)
    form = client.get("/sign-in")
    answer = client.post("/sign-in", data={"csrf": csrf_of(form.text), "token": token})
    assert answer.status_code == 303, answer.text
    return client


def caught_up(api: Api) -> None:
    services = api.app.state.services
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        store = services.journeys.log_position()
        if (services.caseloads.position() or 0) >= store and (
            services.findings.position() or 0
        ) >= store:
            return
        time.sleep(0.05)
    raise AssertionError("the read models did not catch up")


@dataclass
class Dashboard:
    api: Api
    staff: TestClient
    auditor: TestClient
    other_staff: TestClient


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def dashboard(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dashboard]:
    """One app per module and database, the demo clinic seeded as clinic-a."""

    def build(api: Api) -> Dashboard:
        seed_demo_clinic(api.app.state.services.journeys, api.app.state.services.clinics, CLINIC)
        caught_up(api)
        return Dashboard(
            api,
            sign_in(api, api.tokens["staff"]),
            sign_in(api, api.tokens["auditor"]),
            sign_in(api, api.other_clinic["staff"]),
        )

    if request.param == "sqlite":
        with running_api(f"sqlite:///{tmp_path_factory.mktemp('web') / 'kap.db'}") as api:
            yield build(api)
    else:
        with throwaway_postgres() as url, running_api(url) as api:
            yield build(api)
