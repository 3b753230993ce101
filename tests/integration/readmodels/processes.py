"""A real ``kap-journeys project`` process on a test database, and waiting on it."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tests.e2e.server import CLI
from tests.integration.readmodels.harness import ReadModels, cli_env

ROOT = Path(__file__).resolve().parents[3]
T = TypeVar("T")


def start_projector(models: ReadModels, log: Path) -> subprocess.Popen[bytes]:
    return start_projector_on(cli_env(models), log)


def start_projector_on(settings: dict[str, str | None], log: Path) -> subprocess.Popen[bytes]:
    """``kap-journeys project`` with these environment settings (None: unset)."""
    env = dict(os.environ)
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    env["PYTHONPATH"] = str(ROOT)
    with log.open("wb") as out:
        return subprocess.Popen(
            [*CLI, "project"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def wait_for(
    found: Callable[[], T | None],
    process: subprocess.Popen[bytes],
    log: Path,
    timeout: float,
    every: float = 0.005,
) -> T:
    """Poll until ``found`` gives something; fail if the process ends or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        value = found()
        if value is not None:
            return value
        if process.poll() is not None:
            raise AssertionError(f"the projector exited ({process.returncode}):\n{log.read_text()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s:\n{log.read_text()}")
        time.sleep(every)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Make sure a process this test started is gone."""
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
