"""Every answer carries the security headers; a route's own value of one is kept."""

from __future__ import annotations

from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from interface.http.security_headers import SECURITY_HEADERS, SecurityHeaders


def client() -> TestClient:
    app = FastAPI()

    @app.get("/plain")
    def plain() -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/cached")
    def cached() -> Response:
        return Response(b"static", headers={"Cache-Control": "max-age=3600"})

    app.add_middleware(SecurityHeaders)
    return TestClient(app)


def test_an_answer_gets_every_header() -> None:
    answer = client().get("/plain")
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value
    assert answer.json() == {"ok": "yes"}


def test_a_routes_own_value_is_kept_and_the_rest_added() -> None:
    answer = client().get("/cached")
    assert answer.headers.get_list("Cache-Control") == ["max-age=3600"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.text == "static"


def test_a_refusal_of_the_router_gets_them_too() -> None:
    answer = client().get("/nowhere")
    assert answer.status_code == 404
    assert answer.headers["Referrer-Policy"] == "no-referrer"
