"""Scraping /metrics from real ``kap-journeys serve`` processes: on SQLite with an admin
token and on the separate KAP_METRICS_ADDRESS without one; on PostgreSQL with two
workers, whose counts every scrape sums, and whose killed worker stops counting."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tests.databases import throwaway_postgres
from tests.e2e.server import CLI, Server, free_port, running_server
from tests.e2e.test_several_workers import (
    deployment_env,
    holder_pids,
    one_each,
    open_journeys,
    serving,
    until,
)
from tests.examples import VALID_JOURNEY_CREATE
from tests.integration.http.test_metrics import has_sample, value_of
from tests.story import START, dosing_session, intake

JOURNEYS_ROUTE = {"method": "POST", "route": "/v1/journeys", "status": "201"}


def scrape(url: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{url}/metrics", headers=headers, timeout=10)


def append(server: Server, token: str, journey_id: str, body: dict[str, object]) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/journeys/{journey_id}/events",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


@pytest.mark.e2e
def test_a_sqlite_server_answers_admins_and_its_metrics_address_without_a_token(tmp_path):
    address = f"127.0.0.1:{free_port()}"
    env = {"KAP_METRICS_ADDRESS": address, "KAP_CHECKPOINT_EVERY_SECONDS": "1"}
    with running_server(f"sqlite:///{tmp_path / 'kap.db'}", tmp_path, env) as server:
        ehr = server.token("clinic_system", "clinic-a", "ehr")
        staff = server.token("staff", "clinic-a", "front-desk")
        admin = server.token("admin", "clinic-a", "ops")
        opened = httpx.post(
            f"{server.url}/v1/journeys",
            json={**VALID_JOURNEY_CREATE, "occurred_at": START.isoformat()},
            headers={"Authorization": f"Bearer {ehr}"},
            timeout=10,
        )
        journey_id = opened.json()["journey_id"]
        stored = append(server, ehr, journey_id, intake()[0].envelope())
        dose = dosing_session(1, START + timedelta(days=10))[1].envelope()
        refused = append(server, ehr, journey_id, dose)
        no_token, as_staff = scrape(server.url), scrape(server.url, staff)
        as_admin = scrape(server.url, admin)
        untokened = until(
            lambda: (
                t
                if has_sample(t := scrape(f"http://{address}").text, "kap_checkpoint_age_seconds")
                else None
            ),
            30,
        )
        elsewhere = httpx.get(f"http://{address}/v1/journeys", timeout=10)

    assert (stored.status_code, refused.status_code) == (201, 409)
    rule = refused.json()["rule"]
    assert (no_token.status_code, as_staff.status_code, as_admin.status_code) == (401, 403, 200)
    for text in (as_admin.text, untokened):
        assert value_of(text, "kap_appends_total", outcome="refused", rule=rule) == 1
        assert value_of(text, "kap_appends_total", outcome="stored") == 1
        assert value_of(text, "kap_http_requests_total", **JOURNEYS_ROUTE) == 1
        assert journey_id not in text
    assert value_of(untokened, "kap_checkpoint_age_seconds") < 30
    assert elsewhere.status_code == 404, "the metrics address serves nothing but /metrics"


def metrics_dir_of(pid: int) -> Path:
    """The PROMETHEUS_MULTIPROC_DIR a worker was started with."""
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    found = [v for v in environ if v.startswith(b"PROMETHEUS_MULTIPROC_DIR=")]
    assert found, "the worker was started without a metrics directory"
    return Path(found[0].split(b"=", 1)[1].decode())


def both_workers_answered(url: str, directory: Path) -> bool | None:
    """Send a few requests at once (a kernel may hand one worker most connections);
    whether two processes have written request counts."""
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: httpx.get(f"{url}/health", timeout=10), range(8)))
    writers = {f.stem.rsplit("_", 1)[1] for f in directory.glob("counter_*.db")}
    return len(writers) >= 2 or None


@pytest.mark.e2e
@pytest.mark.postgres
def test_two_workers_sum_their_counts_and_a_killed_one_stops_counting_its_pools(tmp_path):
    address = f"127.0.0.1:{free_port()}"
    with throwaway_postgres() as database:
        env = {**deployment_env(database), "KAP_METRICS_ADDRESS": address}
        with serving(env, tmp_path / "serve.log", "--workers", "2") as served:
            ehr = served.server.token("clinic_system", "clinic-a", "ehr")
            admin = served.server.token("admin", "clinic-a", "ops")
            (projector,), _ = until(lambda: one_each(holder_pids(database)), 30, served)
            directory = metrics_dir_of(projector)
            open_journeys(served, ehr, [f"MRN-{n}" for n in range(1, 9)])
            until(lambda: both_workers_answered(served.url, directory), 30, served)
            # Each scrape is answered by whichever worker takes it, each time the sum.
            by_admin = [scrape(served.url, admin).text for _ in range(6)]
            before_kill = sorted(f.name for f in directory.glob(f"gauge_live*_{projector}.db"))

            os.kill(projector, signal.SIGKILL)
            until(lambda: True if not Path(f"/proc/{projector}").exists() else None, 10)
            after_kill = scrape(f"http://{address}").text
            left = sorted(f.name for f in directory.glob(f"gauge_live*_{projector}.db"))
        assert not directory.exists(), "serve removes the workers' metrics directory"

    for text in by_admin:
        assert value_of(text, "kap_http_requests_total", **JOURNEYS_ROUTE) == 8
    assert before_kill, "the projecting worker answered requests and sampled its pools"
    assert value_of(after_kill, "kap_http_requests_total", **JOURNEYS_ROUTE) == 8, "totals stay"
    assert left == [], "a killed worker's pool gauges are forgotten"
    assert value_of(after_kill, "kap_database_read") == 1


@pytest.mark.e2e
def test_a_metrics_address_in_use_stops_serve_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("KAP_")}
        env.update(
            KAP_DATABASE_URL=f"sqlite:///{tmp_path / 'kap.db'}",
            KAP_METRICS_ADDRESS=address,
            PYTHONPATH=str(Path(__file__).resolve().parents[2]),
        )
        done = subprocess.run(
            [*CLI, "serve", "--port", str(free_port())],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"error: KAP_METRICS_ADDRESS {address}: Address already in use"
    )
    assert "Traceback" not in done.stderr
