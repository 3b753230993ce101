"""Webhooks end to end: an admin registers a real local receiver, journeys are written
over HTTP, and the receiver gets each notice signed by the Standard Webhooks rules
(checked with the ``standardwebhooks`` package), on SQLite and PostgreSQL.

The receiver is an ``http.server`` on 127.0.0.1 in a thread; it can answer 500 for a
while, or not be there at all until it starts. Retry timings are made short.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from interface.auth.roles import Role
from interface.http.app import create_app
from interface.settings import Settings
from tests.databases import throwaway_postgres
from tests.integration.http.conftest import (
    CLINIC,
    OTHER_CLINIC,
    SOURCE,
    Api,
    Clock,
    assert_problem,
    build_settings,
    certify_for_spravato,
)
from tests.integration.http.test_metrics import value_of
from tests.story import START, intake, step

FAST = {
    "webhook_poll_seconds": 0.05,
    "webhook_retry_first_seconds": 0.1,
    "webhook_retry_cap_seconds": 0.4,
    "webhook_timeout_seconds": 2.0,
}
PATIENT_FIELDS = {"patient_ref", "presenting_concerns", "data", "occurred_at"}


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.body)
        return found


@dataclass
class Receiver:
    """A webhook receiver: records what it gets, answers ``answers`` in turn (then 204)."""

    port: int
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.received.append(Received(headers, body))
                status = receiver.answers.pop(0) if receiver.answers else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def wait_for(self, count: int, seconds: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.received) >= count, (len(self.received), count)
        return self.received


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver(free_port())
    running.start()
    yield running
    running.stop()


@contextmanager
def webhook_api(settings: Settings) -> Iterator[Api]:
    """The app with fast webhook timings, tokens for clinic-a and an admin of clinic-b."""
    app = create_app(settings, clock=Clock(START + timedelta(minutes=1)))
    with TestClient(app, raise_server_exceptions=False) as client:
        issue = app.state.services.tokens.issue
        tokens = {
            "clinic_system": issue(Role.CLINIC_SYSTEM, CLINIC, SOURCE),
            "staff": issue(Role.STAFF, CLINIC, "front-desk"),
            "admin": issue(Role.ADMIN, CLINIC, "ops"),
        }
        other = {
            "clinic_system": issue(Role.CLINIC_SYSTEM, OTHER_CLINIC, SOURCE),
            "admin": issue(Role.ADMIN, OTHER_CLINIC, "ops"),
        }
        for clinic in (CLINIC, OTHER_CLINIC):
            certify_for_spravato(app.state.services, clinic)
        yield Api(client, app, settings, app.state.services.clock, tokens, other, "")


def fast_settings(database_url: str, **changes: Any) -> Settings:
    return build_settings(database_url).model_copy(update={**FAST, **changes})


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    with webhook_api(fast_settings(database_url)) as running:
        yield running


def register(
    api: Api, url: str, event_types: list[str] | None = None, token: str | None = None
) -> dict[str, Any]:
    answer = api.client.post(
        f"/v1/clinics/{CLINIC}/webhooks",
        json={"url": url, "event_types": event_types or ["*"], "description": "EHR"},
        headers=api.headers(token or api.tokens["admin"]),
    )
    assert answer.status_code == 201, answer.text
    registered: dict[str, Any] = answer.json()
    return registered


def deliveries(api: Api, webhook_id: str) -> list[dict[str, Any]]:
    answer = api.client.get(
        f"/v1/clinics/{CLINIC}/webhooks/{webhook_id}/deliveries",
        headers=api.headers(api.tokens["admin"]),
    )
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["deliveries"]
    return found


def first_status(api: Api, webhook_id: str) -> str | None:
    found = deliveries(api, webhook_id)
    return found[0]["status"] if found else None


def eventually(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.05)


def verified(secret: str, received: Received) -> dict[str, Any]:
    """The body, once ``standardwebhooks`` has checked its signature (it raises if not)."""
    payload: dict[str, Any] = Webhook(secret).verify(received.body, received.headers)
    return payload


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(api: Api) -> None:
    registered = register(api, "https://ehr.example.org/hooks", ["KetamineAdministered"])
    assert registered["secret"].startswith("whsec_")
    assert len(__import__("base64").b64decode(registered["secret"][6:])) >= 24
    listed = api.client.get(
        f"/v1/clinics/{CLINIC}/webhooks", headers=api.headers(api.tokens["admin"])
    ).json()["webhooks"]
    assert [w["id"] for w in listed] == [registered["id"]]
    assert "secret" not in listed[0]
    assert listed[0]["event_types"] == ["KetamineAdministered"]


def test_a_removed_endpoint_is_gone_and_hears_nothing_more(api: Api, receiver: Receiver) -> None:
    registered = register(api, receiver.url)
    path = f"/v1/clinics/{CLINIC}/webhooks/{registered['id']}"
    assert api.client.delete(path, headers=api.headers(api.tokens["admin"])).status_code == 204
    assert_problem(api.client.delete(path, headers=api.headers(api.tokens["admin"])), 404)
    api.journey()
    time.sleep(0.5)
    assert receiver.received == []
    assert (
        api.client.get(
            f"/v1/clinics/{CLINIC}/webhooks", headers=api.headers(api.tokens["admin"])
        ).json()["webhooks"]
        == []
    )


@pytest.mark.parametrize(
    ("body", "field_named"),
    [
        ({"url": "http://ehr.example.org/hooks", "event_types": ["*"]}, "url"),
        ({"url": "ftp://ehr.example.org/", "event_types": ["*"]}, "url"),
        ({"url": "https://user:pw@ehr.example.org/", "event_types": ["*"]}, "url"),
        ({"url": "https://ehr.example.org/", "event_types": ["DoseGiven"]}, "event_types"),
        ({"url": "https://ehr.example.org/", "event_types": ["*", "dose_refused"]}, "event_types"),
    ],
)
def test_a_bad_endpoint_is_refused_and_nothing_is_kept(
    api: Api, body: dict[str, Any], field_named: str
) -> None:
    path = f"/v1/clinics/{CLINIC}/webhooks"
    answer = api.client.post(path, json=body, headers=api.headers(api.tokens["admin"]))
    problem = assert_problem(answer, 422, "clinic_setting_invalid")
    assert problem["detail"].startswith(field_named)
    listed = api.client.get(path, headers=api.headers(api.tokens["admin"])).json()
    assert listed["webhooks"] == []


def test_only_the_clinics_admin_manages_its_webhooks(api: Api) -> None:
    registered = register(api, "https://ehr.example.org/hooks")
    path = f"/v1/clinics/{CLINIC}/webhooks"
    body = {"url": "https://ehr.example.org/x", "event_types": ["*"]}
    for role in ("staff", "clinic_system"):
        token = api.tokens[role]
        assert_problem(api.client.get(path, headers=api.headers(token)), 403)
        assert_problem(api.client.post(path, json=body, headers=api.headers(token)), 403)
    other_admin = api.headers(api.other_clinic["admin"])
    assert_problem(api.client.get(path, headers=other_admin), 404)
    assert_problem(api.client.delete(f"{path}/{registered['id']}", headers=other_admin), 404)
    assert_problem(
        api.client.get(f"{path}/{registered['id']}/deliveries", headers=other_admin), 404
    )
    own_path = f"/v1/clinics/{OTHER_CLINIC}/webhooks"
    assert api.client.get(own_path, headers=other_admin).json()["webhooks"] == []


def test_every_appended_event_is_delivered_once_signed_and_without_clinical_content(
    api: Api, receiver: Receiver
) -> None:
    registered = register(api, receiver.url)
    journey_id = api.journey()
    answers = api.post_all(journey_id, intake())
    received = receiver.wait_for(1 + len(answers))
    time.sleep(0.3)  # nothing more comes
    assert len(receiver.received) == 1 + len(answers)
    payloads = [verified(registered["secret"], r) for r in received]
    assert [p["type"] for p in payloads] == ["JourneyOpened"] + [s.type for s in intake()]
    assert len({r.headers["webhook-id"] for r in received}) == len(received)
    last = payloads[-1]["data"]
    assert last == {
        "journey_id": journey_id,
        "clinic_id": CLINIC,
        "event_type": "PreparationCompleted",
        "version": answers[-1].json()["version"],
        "position": answers[-1].json()["position"],
        "stage": answers[-1].json()["stage"],
        "next_step": answers[-1].json()["next_step"]["code"],
    }
    for payload in payloads:
        assert not PATIENT_FIELDS & set(payload["data"]), payload
        assert "MRN-0042" not in json.dumps(payload)
    assert {d["status"] for d in deliveries(api, registered["id"])} == {"delivered"}


def test_an_endpoint_hears_only_the_types_it_asked_for(api: Api, receiver: Receiver) -> None:
    register(api, receiver.url, ["ConsentSigned"])
    api.post_all(api.journey(), intake())
    (only,) = receiver.wait_for(1)
    time.sleep(0.3)
    assert len(receiver.received) == 1
    assert only.json()["type"] == "ConsentSigned"


def test_another_clinics_events_never_reach_an_endpoint(api: Api, receiver: Receiver) -> None:
    register(api, receiver.url)
    api.journey(token=api.other_clinic["clinic_system"])
    api.journey("MRN-0043")
    (only,) = receiver.wait_for(1)
    time.sleep(0.3)
    assert len(receiver.received) == 1
    assert only.json()["data"]["clinic_id"] == CLINIC


def test_a_receiver_answering_500_is_retried_and_each_attempt_logged(
    api: Api, receiver: Receiver
) -> None:
    before = attempts_counted(api)
    receiver.answers = [500, 500]
    registered = register(api, receiver.url)
    api.journey()
    received = receiver.wait_for(3)
    assert len({r.headers["webhook-id"] for r in received}) == 1  # the same message
    eventually(lambda: first_status(api, registered["id"]) == "delivered")
    (delivery,) = deliveries(api, registered["id"])
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 204]
    assert delivery["attempts"][0]["error"] == "HTTP 500"
    after = attempts_counted(api)
    assert after["pending"] - before["pending"] == 2
    assert after["delivered"] - before["delivered"] == 1


def attempts_counted(api: Api) -> dict[str, float]:
    """kap_webhook_deliveries_total by outcome, from /metrics."""
    text = api.client.get("/metrics", headers=api.headers(api.tokens["admin"])).text
    name = "kap_webhook_deliveries_total"
    return {o: value_of(text, name, outcome=o) for o in ("pending", "delivered", "failed")}


def test_a_receiver_down_for_a_while_gets_the_notice_once_it_is_up(api: Api) -> None:
    later = Receiver(free_port())  # nothing listens there yet
    registered = register(api, later.url)
    api.journey()
    eventually(lambda: len((deliveries(api, registered["id"]) or [{}])[0].get("attempts", [])) >= 2)
    (pending,) = deliveries(api, registered["id"])
    assert pending["status"] == "pending"
    assert all(a["status_code"] is None and a["error"] for a in pending["attempts"])
    later.start()
    try:
        (received,) = later.wait_for(1)
        assert verified(registered["secret"], received)["type"] == "JourneyOpened"
        eventually(lambda: first_status(api, registered["id"]) == "delivered")
    finally:
        later.stop()


def test_a_delivery_never_accepted_is_marked_failed_after_its_window(
    database_url: str, receiver: Receiver
) -> None:
    receiver.answers = [500] * 100
    with webhook_api(fast_settings(database_url, webhook_retry_window_seconds=0.5)) as api:
        registered = register(api, receiver.url)
        api.journey()
        eventually(lambda: first_status(api, registered["id"]) == "failed")
        (failed,) = deliveries(api, registered["id"])
        assert failed["next_attempt_at"] is None
        assert len(failed["attempts"]) >= 2


def test_redeliver_sends_the_same_message_again(api: Api, receiver: Receiver) -> None:
    registered = register(api, receiver.url)
    api.journey()
    (first,) = receiver.wait_for(1)
    eventually(lambda: first_status(api, registered["id"]) == "delivered")
    delivery_id = first.headers["webhook-id"]
    path = f"/v1/clinics/{CLINIC}/webhooks/{registered['id']}/deliveries/{delivery_id}"
    answer = api.client.post(f"{path}/redeliver", headers=api.headers(api.tokens["admin"]))
    assert answer.status_code == 202, answer.text
    again = receiver.wait_for(2)[1]
    assert again.headers["webhook-id"] == delivery_id
    assert verified(registered["secret"], again) == verified(registered["secret"], first)
    unknown = f"{path[: -len(delivery_id)]}msg_{'0' * 32}/redeliver"
    assert_problem(api.client.post(unknown, headers=api.headers(api.tokens["admin"])), 404)


def test_a_refused_dose_is_delivered_as_dose_refused_with_its_rule(
    api: Api, receiver: Receiver
) -> None:
    registered = register(api, receiver.url, ["dose_refused"])
    journey_id = api.journey()
    refused = api.post(journey_id, step("KetamineAdministered", START + timedelta(days=1)))
    problem = assert_problem(refused, 409, "protocol_violation")
    (received,) = receiver.wait_for(1)
    payload = verified(registered["secret"], received)
    assert payload["type"] == "dose_refused"
    assert payload["data"]["rule"] == problem["rule"]
    assert payload["data"]["journey_id"] == journey_id
    assert payload["data"]["event_type"] == "KetamineAdministered"
    assert payload["data"]["version"] == 1
    assert payload["data"]["position"] is None
    assert not PATIENT_FIELDS & set(payload["data"])


def test_another_refusal_is_not_a_dose_refused(api: Api, receiver: Receiver) -> None:
    register(api, receiver.url, ["dose_refused"])
    journey_id = api.journey()
    refused = api.post(journey_id, step("IntegrationCompleted", START + timedelta(days=1)))
    assert refused.status_code in (409, 422), refused.text
    time.sleep(0.4)
    assert receiver.received == []


def test_a_restart_enqueues_nothing_twice(database_url: str, receiver: Receiver) -> None:
    settings = fast_settings(database_url)
    with webhook_api(settings) as api:
        registered = register(api, receiver.url)
        api.post_all(api.journey(), intake()[:2])
        receiver.wait_for(3)
    with webhook_api(settings) as api:  # the same database and keys, a new process
        api.journey("MRN-0043")
        receiver.wait_for(4)
        time.sleep(0.5)
        assert len(receiver.received) == 4
        assert len({r.headers["webhook-id"] for r in receiver.received}) == 4
        assert len(deliveries(api, registered["id"])) == 4


def test_the_webhook_operations_are_named_and_declare_their_problems(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    base = "/v1/clinics/{clinic}/webhooks"
    operations = {
        ("post", base): "registerWebhook",
        ("get", base): "listWebhooks",
        ("delete", base + "/{webhook_id}"): "removeWebhook",
        ("get", base + "/{webhook_id}/deliveries"): "listWebhookDeliveries",
        ("post", base + "/{webhook_id}/deliveries/{delivery_id}/redeliver"): "redeliverWebhook",
    }
    for (method, path), operation_id in operations.items():
        operation = paths[path][method]
        assert operation["operationId"] == operation_id
        assert {"401", "403", "404", "422"} <= set(operation["responses"]), operation_id
        problem_schemas = [c["schema"] for c in operation["responses"]["422"]["content"].values()]
        assert {"$ref": "#/components/schemas/Problem"} in problem_schemas, operation_id
    malformed = api.client.get(
        f"{base.format(clinic=CLINIC)}/not-a-uuid/deliveries",
        headers=api.headers(api.tokens["admin"]),
    )
    assert_problem(malformed, 422, "invalid_request")


def test_a_dose_refused_inside_a_batch_is_answered_and_delivered_as_dose_refused(
    api: Api, receiver: Receiver
) -> None:
    registered = register(api, receiver.url, ["dose_refused"])
    journey_id = api.journey()
    dose = {"journey_id": journey_id, **step("KetamineAdministered", START).envelope()}
    answer = api.client.post(
        "/v1/journeys/events:batch", json={"events": [dose, dose]}, headers=api.headers()
    )
    assert answer.status_code == 200, answer.text
    refused, skipped = answer.json()["results"]
    assert refused["status"] == 409
    assert refused["body"]["code"] == "protocol_violation"
    assert skipped["body"]["code"] == "skipped_after_refusal"
    (received,) = receiver.wait_for(1)
    payload = verified(registered["secret"], received)
    assert payload["type"] == "dose_refused"
    assert payload["data"]["rule"] == refused["body"]["rule"]
    assert payload["data"]["journey_id"] == journey_id
    time.sleep(0.4)
    assert len(receiver.received) == 1  # the skipped dose was not judged: no notice


@pytest.mark.postgres
def test_two_processes_on_postgresql_deliver_each_event_once_and_one_takes_over(
    receiver: Receiver,
) -> None:
    with throwaway_postgres() as url:
        settings = fast_settings(url)
        with webhook_api(settings) as second:
            with webhook_api(settings) as first:
                register(first, receiver.url)
                first.journey("MRN-1")
                second.journey("MRN-2")
                receiver.wait_for(2)
                time.sleep(0.5)
                assert len(receiver.received) == 2
            second.journey("MRN-3")  # the first has stopped: the second delivers now
            receiver.wait_for(3)
            time.sleep(0.3)
            assert len({r.headers["webhook-id"] for r in receiver.received}) == 3
