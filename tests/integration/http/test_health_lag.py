"""/health names the store's log position and each read model's position and lag; with no
projections running, the lag shows (or the caseload says it is still being built)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from interface.auth.roles import Role
from interface.http.app import create_app
from interface.settings import Settings
from tests.examples import VALID_JOURNEY_CREATE
from tests.integration.http.conftest import CLINIC, Api, Clock, assert_problem, build_settings
from tests.story import START, intake

PROJECTIONS = {"caseload", "findings"}
OPEN_MRN_1 = {**VALID_JOURNEY_CREATE, "patient_ref": "MRN-1", "occurred_at": START.isoformat()}


def health(client: TestClient) -> dict[str, Any]:
    answer = client.get("/health")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def caught_up(client: TestClient, within: float = 2.0) -> dict[str, Any]:
    """/health once every projection's lag is 0 (polled, at most ``within`` seconds)."""
    deadline = time.monotonic() + within
    while True:
        body = health(client)
        if all(p["lag"] == 0 for p in body["projections"].values()):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.02)


@contextmanager
def without_projections(
    settings: Settings, clock: Clock | None = None
) -> Iterator[tuple[TestClient, str, str]]:
    """The app on ``settings``' database with no projections running: its client, a
    clinic_system token and a staff token."""
    clock = clock or Clock(START + timedelta(minutes=1))
    app = create_app(settings.model_copy(update={"run_projections": False}), clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        issue = app.state.services.tokens.issue
        yield (
            client,
            issue(Role.CLINIC_SYSTEM, CLINIC, "ehr"),
            issue(Role.STAFF, CLINIC, "front-desk"),
        )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_names_the_store_position_and_each_projection(api: Api) -> None:
    body = health(api.client)

    assert body["status"] == "ok"
    assert isinstance(body["store_position"], int)
    assert set(body["projections"]) == PROJECTIONS
    for projection in body["projections"].values():
        assert set(projection) == {"position", "lag", "running"}
        assert projection["running"] is True
        assert isinstance(projection["position"], int)
        assert projection["lag"] == body["store_position"] - projection["position"]


def test_after_posting_each_projection_catches_up_to_lag_0(api: Api) -> None:
    journey_id = api.journey()
    last = api.post_all(journey_id, intake())[-1].json()["position"]

    body = caught_up(api.client)

    assert body["store_position"] == last
    assert {n: p["position"] for n, p in body["projections"].items()} == {
        "caseload": last,
        "findings": last,
    }


def test_with_no_projection_ever_run_the_caseload_is_being_built(database_url: str) -> None:
    with without_projections(build_settings(database_url)) as (client, _, staff):
        answer = client.get("/v1/journeys", headers=bearer(staff))
        body = health(client)

    assert_problem(answer, 503, "read_model_building")
    assert body["projections"] == {
        name: {"position": None, "lag": None} for name in sorted(PROJECTIONS)
    }


def test_a_caseload_being_built_does_not_say_the_database_is_down(database_url: str) -> None:
    with without_projections(build_settings(database_url)) as (client, _, staff):
        answer = client.get("/v1/journeys", headers=bearer(staff))

    body = assert_problem(answer, 503, "read_model_building")
    assert "database" not in body["title"].lower(), body


def test_with_projections_stopped_the_caseload_shows_how_far_it_lags(database_url: str) -> None:
    settings = build_settings(database_url)
    clock = Clock(START + timedelta(minutes=1))
    app = create_app(settings, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        token = app.state.services.tokens.issue(Role.CLINIC_SYSTEM, CLINIC, "ehr")
        opened = client.post("/v1/journeys", json=OPEN_MRN_1, headers=bearer(token))
        assert opened.status_code == 201, opened.text
        projected = caught_up(client)["store_position"]

    with without_projections(settings, clock) as (client, system, staff):
        journey_id = opened.json()["journey_id"]
        for s in intake()[:2]:
            clock.follow(s.occurred_at)
            appended = client.post(
                f"/v1/journeys/{journey_id}/events", json=s.envelope(), headers=bearer(system)
            )
            assert appended.status_code == 201, appended.text
        store = appended.json()["position"]
        answer = client.get("/v1/journeys", headers=bearer(staff))
        body = health(client)

    assert answer.status_code == 200, answer.text
    caseload = answer.json()
    assert (caseload["read_model_position"], caseload["store_position"]) == (projected, store)
    assert [(j["patient_ref"], j["stage"]) for j in caseload["journeys"]] == [("MRN-1", "opened")]
    assert body["store_position"] == store
    for projection in body["projections"].values():
        assert projection == {"position": projected, "lag": store - projected}
        assert projection["lag"] == 2
