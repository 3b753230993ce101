"""The README's curl walk-through, run as written against a real server."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.server import running_server

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "walkthrough.sh"


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("curl") is None, reason="the walk-through uses curl")
def test_the_walkthrough_runs_and_shows_each_refusal_and_answer(tmp_path):
    with running_server(f"sqlite:///{tmp_path / 'kap.db'}", tmp_path) as server:
        env = {
            **server.env,
            "URL": server.url,
            "EHR": server.token("clinic_system", "clinic-a", "ehr"),
            "STAFF": server.token("staff", "clinic-a", "front-desk"),
        }
        done = subprocess.run(
            ["bash", str(SCRIPT)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for rule in ('"rule":"J-03"', '"rule":"J-05"', '"rule":"J-10"'):
        assert rule in out
    assert "HTTP 201" in out
    assert "HTTP 200" in out
    assert '"code":"integrate_session"' in out
    assert '"sessions_completed": 1' in out
    assert "11 IntegrationCompleted nurse-kim ehr" in out
