"""HEAD answers as GET would, without a body; every 405 says which methods are allowed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.integration.http.conftest import Api, assert_problem
from tests.integration.web.conftest import csrf_of

VARYING = {"date", "x-request-id", "set-cookie"}
"""Headers that differ between any two requests (a new pre-session cookie each time)."""


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


@pytest.fixture
def journey_id(api: Api) -> str:
    opened = api.open_journey("MRN-HEAD")
    assert opened.status_code in (200, 201), opened.text
    return str(opened.json()["journey_id"])


@pytest.fixture
def browser(api: Api) -> TestClient:
    """A signed-in dashboard session (staff), redirects not followed."""
    client = TestClient(api.app, follow_redirects=False)
    form = client.get("/sign-in")
    signed_in = client.post(
        "/sign-in", data={"csrf": csrf_of(form.text), "token": api.tokens["staff"]}
    )
    assert signed_in.status_code == 303, signed_in.text
    return client


def assert_head_is_get_without_body(
    client: TestClient, path: str, varying: frozenset[str] = frozenset(), **headers: str
) -> None:
    got = client.get(path, headers=headers)
    head = client.head(path, headers=headers)

    assert head.status_code == got.status_code, (path, head.status_code, got.status_code)
    assert head.content == b""
    assert "content-length" in head.headers or "transfer-encoding" in head.headers
    skipped = VARYING | varying
    same = {k: v for k, v in got.headers.items() if k not in skipped}
    assert {k: v for k, v in head.headers.items() if k not in skipped} == same


API_PATHS: list[tuple[str, str]] = [
    ("/health", ""),
    ("/openapi.json", ""),
    ("/v1/journeys", "staff"),
    ("/v1/journeys/{journey_id}", "staff"),
    ("/v1/journeys/{journey_id}/history", "staff"),
    ("/v1/journeys/{journey_id}/replay?version=1", "auditor"),
    ("/v1/journeys/{journey_id}/verify", "auditor"),
    ("/v1/audit/compliance", "auditor"),
    ("/v1/audit/access-log?before_id=1", "auditor"),  # reading it adds to it: none older
    ("/v1/journeys/{journey_id}", ""),  # no token: the 401 problem, headers and all
]


@pytest.mark.parametrize(("path", "role"), API_PATHS)
def test_head_on_an_api_route_answers_as_get(
    api: Api, journey_id: str, path: str, role: str
) -> None:
    headers = {"Authorization": f"Bearer {api.tokens[role]}"} if role else {}
    assert_head_is_get_without_body(api.client, path.format(journey_id=journey_id), **headers)


@pytest.mark.parametrize("path", ["/sign-in", "/static/app.css", "/static/app.js", "/"])
def test_head_on_a_page_or_a_file_answers_as_get(api: Api, path: str) -> None:
    client = TestClient(api.app, follow_redirects=False)
    assert_head_is_get_without_body(client, path)


@pytest.mark.parametrize("path", ["/", "/journeys/{journey_id}", "/audit/access-log"])
def test_head_on_a_signed_in_page_answers_as_get(
    browser: TestClient, journey_id: str, path: str
) -> None:
    assert_head_is_get_without_body(browser, path.format(journey_id=journey_id))


def allowed(answer: object) -> set[str]:
    header = answer.headers["allow"]  # type: ignore[attr-defined]
    return {method.strip() for method in header.split(",")}


@pytest.mark.parametrize(
    ("method", "path", "methods"),
    [
        ("DELETE", "/v1/journeys/{journey_id}", {"GET", "HEAD"}),
        ("PUT", "/v1/journeys", {"GET", "HEAD", "POST"}),
        ("GET", "/v1/journeys/{journey_id}/events", {"POST"}),
        ("GET", "/v1/journeys/events:batch", {"POST"}),
        ("DELETE", "/v1/journeys/events:batch", {"POST"}),
        ("POST", "/v1/journeys/{journey_id}/history", {"GET", "HEAD"}),
        ("POST", "/health", {"GET", "HEAD"}),
        ("PATCH", "/openapi.json", {"GET", "HEAD"}),
    ],
)
def test_a_405_on_the_api_is_a_problem_with_allow(
    api: Api, journey_id: str, method: str, path: str, methods: set[str]
) -> None:
    answer = api.client.request(method, path.format(journey_id=journey_id), headers=api.headers())

    assert_problem(answer, 405, "method_not_allowed")
    assert allowed(answer) == methods


@pytest.mark.parametrize(
    ("method", "path", "methods"),
    [
        ("DELETE", "/", {"GET", "HEAD"}),
        ("PUT", "/sign-in", {"GET", "HEAD", "POST"}),
        ("GET", "/sign-out", {"POST"}),
        ("POST", "/static/app.css", {"GET", "HEAD"}),
    ],
)
def test_a_405_on_a_page_or_a_file_carries_allow(
    api: Api, method: str, path: str, methods: set[str]
) -> None:
    answer = api.client.request(method, path)

    assert answer.status_code == 405, answer.text
    assert allowed(answer) == methods


def test_head_on_a_write_route_is_405_and_writes_nothing(api: Api, journey_id: str) -> None:
    before = api.version(journey_id)

    answer = api.client.head(f"/v1/journeys/{journey_id}/events", headers=api.headers())

    assert answer.status_code == 405
    assert allowed(answer) == {"POST"}
    assert api.version(journey_id) == before
