"""Several ``serve`` processes on one PostgreSQL database: exactly one projects and one
signs the periodic checkpoint (each an advisory lock, seen in ``pg_locks``); SIGKILL the
projecting one and another takes over, so the caseload still follows every journey.
On SQLite, ``--workers`` above 1 is refused in one line."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from interface.storage.leader import CHECKPOINTS, PROJECTIONS
from tests.databases import throwaway_postgres
from tests.e2e.server import CLI, Server, free_port
from tests.examples import VALID_JOURNEY_CREATE
from tests.integration.journeys_app import new_key
from tests.integration.signed import new_signing_key
from tests.integration.test_one_leader import holders
from tests.story import START

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


@dataclass
class Serving:
    process: subprocess.Popen[bytes]
    server: Server
    log: Path

    @property
    def url(self) -> str:
        return self.server.url

    def health(self) -> dict[str, Any]:
        answer = httpx.get(f"{self.url}/health", timeout=5)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


def deployment_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAP_")}
    env.update(
        KAP_DATABASE_URL=database_url,
        KAP_CIPHER_KEY=new_key(),
        KAP_SIGNING_KEY=new_signing_key(),
        KAP_CHECKPOINT_EVERY_SECONDS="1",
        PYTHONPATH=str(ROOT),
    )
    return env


@contextmanager
def serving(env: dict[str, str], log: Path, *args: str) -> Iterator[Serving]:
    """``kap-journeys serve ARGS`` on a free port, up once /health answers 200."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    served = Serving(process, Server(f"http://127.0.0.1:{port}", env), log)
    try:
        until(lambda: _answers(served), 60, served)
        yield served
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _answers(served: Serving) -> bool | None:
    try:
        return httpx.get(f"{served.url}/health", timeout=1).status_code == 200 or None
    except httpx.HTTPError:
        return None


def until(found: Callable[[], T | None], within: float, *watched: Serving) -> T:
    """Poll until ``found`` gives something; fail if a watched server ends or time is up."""
    deadline = time.monotonic() + within
    while True:
        value = found()
        if value is not None:
            return value
        for served in watched:
            if served.process.poll() is not None:
                raise AssertionError(f"serve exited:\n{served.log.read_text()}")
        if time.monotonic() > deadline:
            logs = "\n".join(s.log.read_text() for s in watched)
            raise AssertionError(f"gave up after {within} s:\n{logs}")
        time.sleep(0.1)


def open_journeys(served: Serving, token: str, refs: list[str]) -> None:
    for ref in refs:
        opened = httpx.post(
            f"{served.url}/v1/journeys",
            json={**VALID_JOURNEY_CREATE, "patient_ref": ref, "occurred_at": START.isoformat()},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert opened.status_code == 201, opened.text


def caseload_of(served: Serving, token: str) -> list[str]:
    answer = httpx.get(
        f"{served.url}/v1/journeys",
        params={"sort": "patient"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return sorted(j["patient_ref"] for j in answer.json()["journeys"])


def lists(served: Serving, token: str, refs: list[str]) -> Callable[[], bool | None]:
    return lambda: caseload_of(served, token) == sorted(refs) or None


def pid_of(application_name: str) -> int:
    found = re.fullmatch(r"kap-journeys \w+ pid (\d+)", application_name)
    assert found, application_name
    return int(found.group(1))


def holder_pids(database_url: str) -> tuple[list[int], list[int]]:
    """The pids holding the projector's lock and the checkpoint's."""
    return (
        [pid_of(name) for name in holders(database_url, PROJECTIONS)],
        [pid_of(name) for name in holders(database_url, CHECKPOINTS)],
    )


def one_each(pids: tuple[list[int], list[int]]) -> tuple[list[int], list[int]] | None:
    """The holders once each lock has exactly one."""
    return pids if all(len(held) == 1 for held in pids) else None


@pytest.mark.e2e
@pytest.mark.postgres
def test_two_serve_processes_project_in_one_and_the_other_takes_over_after_a_sigkill(tmp_path):
    with throwaway_postgres() as database:
        env = deployment_env(database)
        with (
            serving(env, tmp_path / "a.log") as a,
            serving(env, tmp_path / "b.log") as b,
        ):
            ehr = a.server.token("clinic_system", "clinic-a", "ehr")
            staff = a.server.token("staff", "clinic-a", "front-desk")

            def one_projects() -> list[dict[str, Any]] | None:
                bodies = [a.health(), b.health()]
                flags = sorted(body["projecting"] for body in bodies)
                return bodies if flags == [False, True] else None

            bodies = until(one_projects, 30, a, b)
            leader, standby = (a, b) if bodies[0]["projecting"] else (b, a)
            standing = bodies[1] if leader is a else bodies[0]
            projectors, signers = until(
                lambda: one_each(holder_pids(database)),
                30,
                a,
                b,
            )
            first = [f"MRN-{n}" for n in range(1, 4)]
            open_journeys(standby, ehr, first)
            until(lists(standby, staff, first), 30, a, b)

            leader.process.send_signal(signal.SIGKILL)
            leader.process.wait(timeout=10)
            then = [f"MRN-{n}" for n in range(4, 7)]
            open_journeys(standby, ehr, then)
            until(lists(standby, staff, first + then), 60, standby)
            took_over = until(lambda: h if (h := standby.health())["projecting"] else None, 30)
            # The checkpoint lock too, if the killed one held it.
            after = until(lambda: one_each(holder_pids(database)), 30, standby)

    assert projectors == [leader.process.pid]
    assert signers[0] in {a.process.pid, b.process.pid}
    assert standing["status"] == "ok", "standing by is not degraded"
    assert all("running" not in p for p in standing["projections"].values())
    assert took_over["status"] == "ok"
    assert all(p["running"] for p in took_over["projections"].values())
    assert after == ([standby.process.pid], [standby.process.pid])
    assert "Traceback" not in standby.log.read_text()


@pytest.mark.e2e
@pytest.mark.postgres
def test_serve_with_two_workers_has_one_projector_and_survives_its_sigkill(tmp_path):
    with throwaway_postgres() as database:
        env = deployment_env(database)
        with serving(env, tmp_path / "serve.log", "--workers", "2") as served:
            ehr = served.server.token("clinic_system", "clinic-a", "ehr")
            staff = served.server.token("staff", "clinic-a", "front-desk")
            (projector,), (signer,) = until(
                lambda: one_each(holder_pids(database)),
                30,
                served,
            )
            first = [f"MRN-{n}" for n in range(1, 5)]
            open_journeys(served, ehr, first)
            until(lists(served, staff, first), 30, served)

            os.kill(projector, signal.SIGKILL)
            then = [f"MRN-{n}" for n in range(5, 9)]
            open_journeys(served, ehr, then)
            until(lists(served, staff, first + then), 60, served)
            (successor,), _ = until(
                lambda: p if len((p := holder_pids(database))[0]) == 1 else None, 30, served
            )

    workers = {projector, signer, successor}
    assert successor != projector
    assert served.process.pid not in workers, "workers project, not the supervisor"
    assert "Traceback" not in served.log.read_text()


@pytest.mark.e2e
@pytest.mark.postgres
def test_a_project_process_stands_by_beside_a_projecting_serve_and_takes_over_after_it(
    tmp_path,
):
    with throwaway_postgres() as database:
        env = deployment_env(database)
        with (
            serving(env, tmp_path / "serve.log") as projecting,
            serving(env, tmp_path / "api.log", "--no-projections") as api,
            projecting_process(env, tmp_path / "project.log") as project,
        ):
            ehr = api.server.token("clinic_system", "clinic-a", "ehr")
            staff = api.server.token("staff", "clinic-a", "front-desk")
            until(lambda: "takes over if it stops" in project.log.read_text() or None, 30)
            before = holder_pids(database)[0]

            projecting.process.send_signal(signal.SIGKILL)
            projecting.process.wait(timeout=10)
            refs = [f"MRN-{n}" for n in range(1, 4)]
            open_journeys(api, ehr, refs)
            until(lists(api, staff, refs), 60, api, project)
            after = holder_pids(database)[0]
            api_health = api.health()

    assert before == [projecting.process.pid]
    assert after == [project.process.pid]
    assert "projecting" not in api_health, "--no-projections never projects"


@contextmanager
def projecting_process(env: dict[str, str], log: Path) -> Iterator[Serving]:
    """``kap-journeys project`` (its Serving has no server to ask)."""
    with log.open("wb") as out:
        process = subprocess.Popen([*CLI, "project"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield Serving(process, Server("", env), log)
    finally:
        if process.poll() is None:
            process.terminate()
            assert process.wait(timeout=20) == 0, log.read_text()


@pytest.mark.e2e
def test_several_workers_on_sqlite_are_refused_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAP_")}
    env.update(KAP_DATABASE_URL=f"sqlite:///{tmp_path / 'kap.db'}", PYTHONPATH=str(ROOT))

    done = subprocess.run(
        [*CLI, "serve", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: --workers 2 needs PostgreSQL: a SQLite database is written by one process "
        "(set KAP_DATABASE_URL=postgresql://..., or serve one worker)"
    ]
    assert not (tmp_path / "kap.db").exists(), "refused before anything is made"
