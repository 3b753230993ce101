"""One JSON line per request: time, request id, method, route, status, duration; never the
query string (``?q=`` holds patient refs). The request id comes back in X-Request-ID."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.server import running_server
from tests.integration.http.conftest import Api

FIELDS = {"time", "request_id", "method", "path", "status", "duration_ms"}


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


def lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "kap.request"]


def test_each_request_is_one_json_line_without_its_query(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kap.request")
    journey_id = api.journey("MRN-LOGGED")
    caplog.clear()

    api.client.get(
        "/v1/journeys?q=MRN-LOGGED&clinician=dr-lee", headers=api.headers(api.tokens["staff"])
    )
    api.client.get(f"/v1/journeys/{journey_id}", headers=api.headers(api.tokens["staff"]))
    api.client.head("/health")

    logged = lines(caplog)
    assert [(line["method"], line["path"], line["status"]) for line in logged] == [
        ("GET", "/v1/journeys", 200),
        ("GET", "/v1/journeys/{journey_id}", 200),
        ("HEAD", "/health", 200),
    ]
    for line in logged:
        assert set(line) == FIELDS
        assert isinstance(line["duration_ms"], float)
        assert line["duration_ms"] >= 0
    assert "MRN-LOGGED" not in caplog.text
    assert journey_id not in caplog.text  # the route's template, not the client's path


def test_an_unknown_path_is_logged_without_it(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kap.request")

    answer = api.client.get("/v1/patients/MRN-0042")

    assert answer.status_code == 404
    assert lines(caplog)[-1]["path"] is None
    assert "MRN-0042" not in caplog.text


@pytest.mark.parametrize(
    "given", ["abc-123", "7f3e0f0c-3b8e-4b7a-9a57-3c9a4fd1e2b0", "req.42:retry_1", "A" * 128]
)
def test_a_sane_request_id_is_echoed_and_logged(
    api: Api, caplog: pytest.LogCaptureFixture, given: str
) -> None:
    caplog.set_level(logging.INFO, logger="kap.request")

    answer = api.client.get("/health", headers={"X-Request-ID": given})

    assert answer.headers["x-request-id"] == given
    assert lines(caplog)[-1]["request_id"] == given


@pytest.mark.parametrize(
    "given", ["", "has space", "A" * 129, "-leading-dash", "semi;colon", 'quote"d', "ü"]
)
def test_any_other_request_id_is_replaced(
    api: Api, caplog: pytest.LogCaptureFixture, given: str
) -> None:
    caplog.set_level(logging.INFO, logger="kap.request")

    answer = api.client.get("/health", headers={"X-Request-ID": given.encode()})

    made = answer.headers["x-request-id"]
    assert made != given
    assert len(made) == 32
    assert made.isalnum()
    assert lines(caplog)[-1]["request_id"] == made


def test_a_request_id_is_made_when_none_is_sent(api: Api) -> None:
    first = api.client.get("/health").headers["x-request-id"]
    second = api.client.get("/health").headers["x-request-id"]

    assert first != second


def test_a_refusal_and_a_problem_carry_the_request_id(api: Api) -> None:
    refused = api.client.get("/v1/journeys?q=%00", headers={"X-Request-ID": "r-1"})
    unauthenticated = api.client.get("/v1/journeys", headers={"X-Request-ID": "r-2"})

    assert (refused.status_code, refused.headers["x-request-id"]) == (422, "r-1")
    assert (unauthenticated.status_code, unauthenticated.headers["x-request-id"]) == (401, "r-2")


@pytest.mark.e2e
def test_a_real_server_prints_no_search_term(tmp_path: Path) -> None:
    with running_server(f"sqlite:///{tmp_path / 'kap.db'}", tmp_path) as server:
        staff = server.token("staff", "clinic-a", "front-desk")
        answer = httpx.get(
            f"{server.url}/v1/journeys?q=PATIENT123",
            headers={"Authorization": f"Bearer {staff}", "X-Request-ID": "search-1"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["x-request-id"] == "search-1"
    output = (tmp_path / "server.log").read_text()

    assert "PATIENT123" not in output
    logged = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    search = [line for line in logged if line["request_id"] == "search-1"]
    assert len(search) == 1
    assert search[0]["path"] == "/v1/journeys"
    assert search[0]["status"] == 200
    assert set(search[0]) == FIELDS
