"""The README's curl walk-through, run as written against a real server."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.server import running_server

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "walkthrough.sh"


def _walk(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def server_env(tmp_path):
    if shutil.which("curl") is None:
        pytest.fail("the walk-through needs curl (.ci/run installs it)")
    with running_server(f"sqlite:///{tmp_path / 'kap.db'}", tmp_path) as server:
        yield {
            **server.env,
            "URL": server.url,
            "EHR": server.token("clinic_system", "clinic-a", "ehr"),
            "STAFF": server.token("staff", "clinic-a", "front-desk"),
        }


@pytest.mark.e2e
def test_the_walkthrough_runs_and_shows_each_refusal_and_answer(server_env):
    done = _walk(server_env)
    again = _walk(server_env)

    assert done.returncode == 0, done.stderr
    assert again.returncode == 0, f"a second run fails: {again.stderr}"
    out = done.stdout
    for rule in ('"rule":"J-03"', '"rule":"J-05"', '"rule":"J-10"'):
        assert rule in out
    assert "HTTP 201" in out
    assert "HTTP 200" in out
    assert '"code":"integrate_session"' in out
    assert '"sessions_completed": 1' in out
    assert "12 IntegrationCompleted ther-ana ehr" in out


@pytest.mark.e2e
def test_a_failing_step_prints_the_servers_answer(server_env):
    done = _walk({**server_env, "EHR": server_env["STAFF"]})  # staff may not open journeys

    assert done.returncode != 0
    assert "step failed: HTTP 403" in done.stderr
    assert '"code":' in done.stderr
    assert "Traceback" not in done.stderr
