"""The HTTP API on a real database (SQLite and PostgreSQL), driven through TestClient.

``api`` is one running app with tokens for every role of clinic-a, tokens for
clinic-b, and a clock the test sets: posting a story step moves the clock to just
after the step, so each answer is computed as the clinic would see it then.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from eventsourcing.cipher import AESCipher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from interface.auth.roles import Role
from interface.http.app import create_app
from interface.services import Services
from interface.settings import Settings
from tests.databases import throwaway_postgres
from tests.examples import VALID_JOURNEY_CREATE
from tests.story import START, Step

CLINIC = "clinic-a"
OTHER_CLINIC = "clinic-b"
SOURCE = "ehr"
"""The name of clinic-a's clinic_system token: history shows it as each event's source."""

PROBLEM_JSON = "application/problem+json"
PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}

NO_TOKEN = object()
"""Pass as ``token`` to send a request without an Authorization header."""


class Clock:
    """The app's clock; tests set it, and posting a step moves it forward to the step."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def follow(self, occurred_at: datetime) -> None:
        """Just after ``occurred_at``, never backwards."""
        self.now = max(self.now, occurred_at + timedelta(minutes=1))


def header_name(keyword: str) -> str:
    """``idempotency_key`` -> ``Idempotency-Key``, ``if_match`` -> ``If-Match``."""
    return "-".join(part.capitalize() for part in keyword.split("_"))


@dataclass
class Api:
    client: TestClient
    app: FastAPI
    settings: Settings
    clock: Clock
    tokens: dict[str, str]
    """clinic-a's tokens by role name (clinic_system, staff, auditor, admin)."""
    other_clinic: dict[str, str]
    """clinic-b's tokens: clinic_system and staff."""
    database_url: str

    def headers(self, token: object = None, **headers: str) -> dict[str, str]:
        """Authorization with ``token`` (clinic-a's clinic_system by default) plus headers."""
        found = {header_name(k): v for k, v in headers.items()}
        if token is None:
            token = self.tokens["clinic_system"]
        if token is not NO_TOKEN:
            found["Authorization"] = f"Bearer {token}"
        return found

    def open_journey(
        self, patient_ref: str = "MRN-0042", *, token: object = None, **changes: Any
    ) -> Response:
        """POST /v1/journeys with the example body, opened at the story's START."""
        body = {**VALID_JOURNEY_CREATE, "occurred_at": START.isoformat()}
        body.update(patient_ref=patient_ref, **changes)
        return self.client.post("/v1/journeys", json=body, headers=self.headers(token))

    def journey(self, patient_ref: str = "MRN-0042", **changes: Any) -> str:
        """Open a journey (asserting 201) and return its id."""
        answer = self.open_journey(patient_ref, **changes)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["journey_id"])

    def post(
        self,
        journey_id: str,
        step_or_body: Step | Mapping[str, Any],
        *,
        token: object = None,
        **headers: str,
    ) -> Response:
        """POST one event: a story ``Step`` (the clock follows it) or a raw JSON body."""
        if isinstance(step_or_body, Step):
            self.clock.follow(step_or_body.occurred_at)
            body: Any = step_or_body.envelope()
        else:
            body = step_or_body
        return self.client.post(
            f"/v1/journeys/{journey_id}/events", json=body, headers=self.headers(token, **headers)
        )

    def post_raw(
        self, journey_id: str, content: bytes | str | Iterator[bytes], **headers: str
    ) -> Response:
        """POST bytes as they are (malformed JSON, or chunks without a Content-Length)."""
        sent = self.headers(**headers)
        sent.setdefault("Content-Type", "application/json")
        return self.client.post(f"/v1/journeys/{journey_id}/events", content=content, headers=sent)

    def post_all(self, journey_id: str, steps: list[Step]) -> list[Response]:
        """Post every step, asserting each is recorded (201)."""
        answers = []
        for s in steps:
            answer = self.post(journey_id, s)
            assert answer.status_code == 201, (s.type, answer.text)
            answers.append(answer)
        return answers

    def status(self, journey_id: str, *, token: object = None) -> Response:
        return self.client.get(
            f"/v1/journeys/{journey_id}", headers=self.headers(token or self.tokens["staff"])
        )

    def history_answer(self, journey_id: str, *, token: object = None) -> Response:
        return self.client.get(
            f"/v1/journeys/{journey_id}/history",
            headers=self.headers(token or self.tokens["auditor"]),
        )

    def history(self, journey_id: str) -> list[dict[str, Any]]:
        answer = self.history_answer(journey_id)
        assert answer.status_code == 200, answer.text
        events: list[dict[str, Any]] = answer.json()["events"]
        return events

    def version(self, journey_id: str) -> int:
        answer = self.status(journey_id)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["version"])


def assert_problem(answer: Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The answer is an RFC 9457 problem document with this status (and code)."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_JSON), answer.headers
    body: dict[str, Any] = answer.json()
    assert set(body) >= PROBLEM_FIELDS, body
    assert body["status"] == status, body
    assert all(isinstance(body[f], str) and body[f] for f in PROBLEM_FIELDS - {"status"}), body
    if code is not None:
        assert body["code"] == code, body
    return body


REMS_CERTIFICATION = {"certification_id": "HCS-0001", "certified_on": "2026-01-15"}


def certify_for_spravato(services: Services, clinic: str) -> None:
    """Record the clinic's Spravato REMS healthcare-setting certification (J-18)."""
    services.clinics.record_rems_certification(clinic, REMS_CERTIFICATION, "test-setup")


def build_settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, cipher_key=AESCipher.create_key(16))


@contextmanager
def running_api(database_url: str) -> Iterator[Api]:
    """The app on this database, started, with its tokens issued."""
    settings = build_settings(database_url)
    clock = Clock(START + timedelta(minutes=1))
    app = create_app(settings, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        issue = app.state.services.tokens.issue
        tokens = {
            "clinic_system": issue(Role.CLINIC_SYSTEM, CLINIC, SOURCE),
            "staff": issue(Role.STAFF, CLINIC, "front-desk"),
            "auditor": issue(Role.AUDITOR, CLINIC, "audit"),
            "admin": issue(Role.ADMIN, CLINIC, "ops"),
        }
        other = {
            "clinic_system": issue(Role.CLINIC_SYSTEM, OTHER_CLINIC, SOURCE),
            "staff": issue(Role.STAFF, OTHER_CLINIC, "front-desk"),
        }
        for clinic in (CLINIC, OTHER_CLINIC):  # both may dose Spravato (J-18)
            certify_for_spravato(app.state.services, clinic)
        yield Api(client, app, settings, clock, tokens, other, database_url)


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    """A fresh app and an empty database for one test."""
    with running_api(database_url) as running:
        yield running


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def shared_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """One app per module and database, for tests that store nothing (refusals)."""
    if request.param == "sqlite":
        with running_api(f"sqlite:///{tmp_path_factory.mktemp('http') / 'kap.db'}") as running:
            yield running
    else:
        with throwaway_postgres() as url, running_api(url) as running:
            yield running
