"""An event-store error that is one of the service's own deadlines ending (a transaction
idle past its limit on an overloaded machine) is a 503 to retry, not a 500."""

from __future__ import annotations

import psycopg
import pytest
from eventsourcing import persistence
from fastapi import FastAPI
from fastapi.testclient import TestClient

from interface.http.problems import install_problem_handlers


def app_raising(cause: Exception) -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/write")
    def write() -> None:
        raise persistence.InternalError("the store's insert failed") from cause

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.errors.IdleInTransactionSessionTimeout("idle in transaction"),
        psycopg.errors.QueryCanceled("statement timeout"),
        psycopg.errors.LockNotAvailable("lock timeout"),
    ],
)
def test_a_deadline_that_ended_the_session_is_unavailable(cause: Exception) -> None:
    answer = app_raising(cause).get("/write")
    assert answer.status_code == 503
    assert answer.json()["code"] == "database_unavailable"


def test_any_other_internal_error_stays_unexpected() -> None:
    answer = app_raising(psycopg.errors.InternalError_("corrupt page")).get("/write")
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal_error"


def test_the_log_names_the_kinds_and_sqlstate_and_no_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cause = psycopg.errors.LockNotAvailable("lock on events of patient MRN-7")
    assert app_raising(cause).get("/write").status_code == 503
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "InternalError <- LockNotAvailable [55P03]" in logged
    assert "MRN-7" not in logged
