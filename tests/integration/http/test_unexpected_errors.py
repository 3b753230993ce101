"""An error nobody mapped answers a 500 problem and goes no further: its text (which can
quote patient data) reaches neither the client, nor the server's log, nor a traceback."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient

from interface.http.app import create_app
from tests.integration.http.conftest import assert_problem, build_settings

PATIENT_DATA = "Failing row contains (MRN-0042, PHQ-9 23)"


def test_an_unknown_error_is_a_500_problem_that_stops_inside_the_app(tmp_path, caplog):
    app = create_app(build_settings(f"sqlite:///{tmp_path / 'kap.db'}"))

    def boom() -> None:
        raise RuntimeError(PATIENT_DATA)

    app.add_api_route("/boom/{journey_id}", boom)
    caplog.set_level(logging.DEBUG)
    # raise_server_exceptions: anything raised past the app would fail this request.
    with TestClient(app, raise_server_exceptions=True) as client:
        answer = client.get("/boom/abc?q=MRN-0042")

    body = assert_problem(answer, 500, "internal_error")
    assert "MRN" not in answer.text
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    logged = [(r.getMessage(), r.exc_info) for r in caplog.records if r.name != "httpx"]
    assert ("unexpected RuntimeError on GET /boom/{journey_id}", None) in logged
    assert not [m for m, _ in logged if "MRN" in m]
    assert all(exc_info is None for _, exc_info in logged)
    assert body["detail"] == "Something went wrong on our side; nothing was stored."
