"""An integrator's webhook over a real ``kap-journeys serve`` process, on SQLite and
PostgreSQL: the operator registers a local receiver with ``kap-journeys webhooks add``,
a clinic system opens a journey and tries a dose it may not give yet, and the receiver
verifies both notices with the ``standardwebhooks`` package."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from tests.databases import throwaway_postgres
from tests.e2e.server import Server, running_server
from tests.e2e.test_several_workers import deployment_env
from tests.examples import VALID_JOURNEY_CREATE
from tests.integration.http.test_webhooks_over_http import Receiver, free_port
from tests.story import START, step

FAST = {"KAP_WEBHOOK_POLL_SECONDS": "0.1", "KAP_WEBHOOK_RETRY_FIRST_SECONDS": "0.2"}


@contextmanager
def server_on(kind: str, tmp_path: Path) -> Iterator[Server]:
    if kind == "sqlite":
        with running_server(f"sqlite:///{tmp_path / 'kap.db'}", tmp_path, FAST) as server:
            yield server
    else:
        with throwaway_postgres() as url:
            env = {**deployment_env(url), **FAST}
            with running_server(url, tmp_path, env) as server:
                yield server


@pytest.mark.e2e
@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_receiver_verifies_an_opening_and_a_refused_dose(kind: str, tmp_path: Path) -> None:
    receiver = Receiver(free_port())
    receiver.start()
    try:
        with server_on(kind, tmp_path) as server:
            added = server.cli(
                "webhooks", "add", "--clinic", "clinic-a", "--url", receiver.url,
                "--event-type", "JourneyOpened", "--event-type", "dose_refused",
            )  # fmt: skip
            assert added.returncode == 0, added.stderr
            secret = json.loads(added.stdout)["secret"]
            listed = server.cli("webhooks", "list", "--clinic", "clinic-a", "--json")
            assert secret not in listed.stdout
            assert [w["url"] for w in json.loads(listed.stdout)] == [receiver.url]
            ehr = {"Authorization": f"Bearer {server.token('clinic_system', 'clinic-a', 'ehr')}"}
            opened = httpx.post(
                f"{server.url}/v1/journeys",
                json={**VALID_JOURNEY_CREATE, "occurred_at": START.isoformat()},
                headers=ehr,
                timeout=10,
            )
            assert opened.status_code == 201, opened.text
            journey_id = opened.json()["journey_id"]
            dose = step("KetamineAdministered", START).envelope()
            refused = httpx.post(
                f"{server.url}/v1/journeys/{journey_id}/events", json=dose, headers=ehr, timeout=10
            )
            assert refused.status_code == 409, refused.text
            received = receiver.wait_for(2, seconds=20)
            payloads = {
                p["type"]: p["data"]
                for p in (Webhook(secret).verify(r.body, r.headers) for r in received)
            }
            assert payloads["JourneyOpened"]["journey_id"] == journey_id
            assert payloads["dose_refused"]["rule"] == refused.json()["rule"]
            webhook_id = json.loads(listed.stdout)[0]["id"]
            removed = server.cli("webhooks", "remove", "--clinic", "clinic-a", webhook_id)
            assert removed.returncode == 0, removed.stderr
            listed = server.cli("webhooks", "list", "--clinic", "clinic-a", "--json")
            assert json.loads(listed.stdout) == []
    finally:
        receiver.stop()
