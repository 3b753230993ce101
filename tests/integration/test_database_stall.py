"""A real server on PostgreSQL behind a TCP proxy that stalls or resets the database link,
with writers posting all along: every request answers 503 within seconds instead of
hanging, the service recovers by itself, and no acknowledged write is lost or doubled."""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from eventsourcing.cipher import AESCipher

from tests.databases import require_postgres, throwaway_postgres
from tests.e2e.server import Server, running_server
from tests.examples import VALID_EVENT_DATA, VALID_JOURNEY_CREATE
from tests.tcp_proxy import TcpProxy, tcp_proxy

pytestmark = [pytest.mark.postgres, pytest.mark.e2e]

WRITERS = 4
ANSWER_WITHIN = 5.0
"""The longest any request may take while the database does not answer."""
STALL = 7.0
RECOVER_WITHIN = 10.0
PROBLEM_JSON = "application/problem+json"
NOW = datetime.now(UTC)


@dataclass
class Attempt:
    key: str
    started: float
    finished: float
    status: int | None  # None: the client gave up (no answer within its timeout)
    content_type: str = ""


@dataclass
class Writer:
    """Posts one measure after another to its journey; retries a key until it is acked."""

    name: str
    url: str
    token: str
    journey_id: str
    attempts: list[Attempt] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        body = {
            "type": "OutcomeMeasureRecorded",
            "occurred_at": (NOW - timedelta(days=1)).isoformat(),
            "recorded_by": {"id": "ther-ana", "role": "therapist"},
            "data": VALID_EVENT_DATA["OutcomeMeasureRecorded"],
        }
        headers = {"Authorization": f"Bearer {self.token}"}
        number = 0
        give_up_at = time.monotonic() + 90  # bounded even if the service never recovers
        with httpx.Client(base_url=self.url, timeout=ANSWER_WITHIN * 3) as client:
            while time.monotonic() < give_up_at:
                key = f"{self.name}-{number}"
                started = time.monotonic()
                try:
                    answer = client.post(
                        f"/v1/journeys/{self.journey_id}/events",
                        json=body,
                        headers={**headers, "Idempotency-Key": key},
                    )
                    status, kind = answer.status_code, answer.headers.get("content-type", "")
                except httpx.HTTPError:
                    status, kind = None, ""
                self.attempts.append(Attempt(key, started, time.monotonic(), status, kind))
                if status is not None and 200 <= status < 300:
                    self.acknowledged.append(key)
                    number += 1
                    if self.stop.is_set():
                        return  # stop only between keys: the last key is settled
                else:
                    time.sleep(0.05)  # the same key again: a retry must not double it


@dataclass
class Service:
    server: Server
    proxy: TcpProxy
    ehr: str
    staff: str
    journeys: list[str]


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username or 'postgres'}@127.0.0.1:{proxy.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    require_postgres()
    with throwaway_postgres() as direct:
        target = urlsplit(direct)
        with tcp_proxy(target.hostname or "127.0.0.1", target.port or 5432) as proxy:
            env = {
                "KAP_CIPHER_KEY": AESCipher.create_key(32),
                "KAP_SIGNING_KEY": _key(),
                "KAP_CHECKPOINT_EVERY_SECONDS": "0",
            }
            workdir = tmp_path_factory.mktemp("stall")
            with running_server(_through(proxy, direct), workdir, env) as server:
                ehr = server.token("clinic_system", "clinic-a", "ehr")
                staff = server.token("staff", "clinic-a", "front-desk")
                journeys = []
                for n in range(WRITERS):
                    opening = {
                        **VALID_JOURNEY_CREATE,
                        "patient_ref": f"MRN-STALL-{n}",
                        "occurred_at": (NOW - timedelta(days=30)).isoformat(),
                    }
                    opened = httpx.post(
                        f"{server.url}/v1/journeys",
                        json=opening,
                        headers={"Authorization": f"Bearer {ehr}"},
                        timeout=10,
                    )
                    assert opened.status_code == 201, opened.text
                    journeys.append(opened.json()["journey_id"])
                yield Service(server, proxy, ehr, staff, journeys)


def _start_writers(service: Service, run: str) -> tuple[list[Writer], list[threading.Thread]]:
    writers = [
        Writer(f"{run}-w{n}", service.server.url, service.ehr, journey_id)
        for n, journey_id in enumerate(service.journeys)
    ]
    threads = [threading.Thread(target=w.run, daemon=True) for w in writers]
    for thread in threads:
        thread.start()
    return writers, threads


def _acked_after(writers: list[Writer], moment: float) -> list[float]:
    return sorted(
        a.finished
        for w in writers
        for a in w.attempts
        if a.started >= moment and a.status is not None and 200 <= a.status < 300
    )


def _stop(writers: list[Writer], threads: list[threading.Thread]) -> None:
    for w in writers:
        w.stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a writer never got its last key through"


def _health_during(url: str, results: list[tuple[float, int | None]]) -> None:
    started = time.monotonic()
    try:
        status: int | None = httpx.get(f"{url}/health", timeout=ANSWER_WITHIN * 3).status_code
    except httpx.HTTPError:
        status = None
    results.append((time.monotonic() - started, status))


def _check_every_write_stored_once(service: Service, writers: list[Writer]) -> None:
    """Each acknowledged key is in its journey's history exactly once; no key twice."""
    for writer in writers:
        history = httpx.get(
            f"{service.server.url}/v1/journeys/{writer.journey_id}/history",
            headers={"Authorization": f"Bearer {service.staff}"},
            timeout=10,
        )
        assert history.status_code == 200, history.text
        keys = [e["idempotency_key"] for e in history.json()["events"]]
        mine = [k for k in keys if k and k.startswith(f"{writer.name}-")]
        assert len(mine) == len(set(mine)), f"a write was stored twice: {sorted(mine)}"
        lost = set(writer.acknowledged) - set(mine)
        assert not lost, f"acknowledged writes lost: {sorted(lost)}"


def _run_outage(service: Service, mode: str, run: str) -> dict[str, float]:
    """Writers before, during and after an outage of ``mode``; the figures measured."""
    writers, threads = _start_writers(service, run)
    time.sleep(1.5)
    assert _acked_after(writers, 0), "no write went through before the outage"

    health: list[tuple[float, int | None]] = []
    stalled_at = time.monotonic()
    service.proxy.set_mode(mode)  # type: ignore[arg-type]
    time.sleep(1.0)
    _health_during(service.server.url, health)
    time.sleep(max(0.0, stalled_at + STALL - time.monotonic()))
    service.proxy.set_mode("pass")
    healed_at = time.monotonic()

    deadline = healed_at + RECOVER_WITHIN
    while time.monotonic() < deadline and len(_acked_after(writers, healed_at)) < WRITERS:
        time.sleep(0.1)
    recovered = _acked_after(writers, healed_at)
    _stop(writers, threads)

    during = [a for w in writers for a in w.attempts if stalled_at <= a.started < healed_at]
    in_flight = [a for w in writers for a in w.attempts if a.started < stalled_at < a.finished]
    slow = [a for a in during if a.finished - a.started > ANSWER_WITHIN]
    assert not slow, f"requests took {[round(a.finished - a.started, 1) for a in slow]} s"
    assert all(a.finished - stalled_at < ANSWER_WITHIN for a in in_flight), in_flight
    refused = [a for a in during if a.finished < healed_at]
    assert refused, "no request answered during the outage"
    assert all(a.status == 503 and a.content_type == PROBLEM_JSON for a in refused), [
        (a.status, a.content_type) for a in refused if a.status != 503
    ]
    (health_seconds, health_status) = health[0]
    assert health_status == 503, health
    assert health_seconds < ANSWER_WITHIN, health
    assert recovered, f"no write went through within {RECOVER_WITHIN} s of the database's return"

    _check_every_write_stored_once(service, writers)
    first_refusal = min(a.finished for a in [*refused, *in_flight] if a.status == 503)
    figures = {
        "first_503_after_s": round(first_refusal - stalled_at, 2),
        "slowest_answer_s": round(max(a.finished - a.started for a in during), 2),
        "health_s": round(health_seconds, 2),
        "recovered_after_s": round(recovered[0] - healed_at, 2),
        "acknowledged": sum(len(w.acknowledged) for w in writers),
    }
    print(f"\n{mode}: {figures}")
    return figures


def test_a_silent_stall_answers_503_within_seconds_and_recovers(service: Service) -> None:
    _run_outage(service, "blackhole", "stall")


def test_reset_connections_answer_503_and_recover(service: Service) -> None:
    figures = _run_outage(service, "reset", "reset")
    assert figures["first_503_after_s"] < 1.0, figures
