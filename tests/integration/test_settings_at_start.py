"""A new operator's mistakes in the environment: one line naming the variable, never a
traceback, and the command that makes a valid value."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interface.settings import KEY_COMMAND


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KAP_")}
    environment["KAP_DATABASE_URL"] = f"sqlite:///{tmp_path / 'kap.db'}"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "interface.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _key(size: int) -> str:
    return base64.b64encode(os.urandom(size)).decode()


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("KAP_CIPHER_KEY", "...", "base64"),
        ("KAP_CIPHER_KEY", _key(15), "16, 24 or 32 bytes"),
        ("KAP_CIPHER_KEY", _key(33), "16, 24 or 32 bytes"),
        ("KAP_SIGNING_KEY", "not a key", "neither PEM nor base64"),
        ("KAP_SIGNING_KEY", _key(31), "32 bytes"),
        ("KAP_DATABASE_URL", "mysql://db/kap", "sqlite:///"),
        ("KAP_PORT", "eighty", "KAP_PORT"),
        ("KAP_CHECKPOINT_EVERY_SECONDS", "-1", "KAP_CHECKPOINT_EVERY_SECONDS"),
    ],
)
def test_a_bad_setting_stops_every_command_with_one_line_naming_it(tmp_path, variable, value, says):
    for command in (["status", "5aca18a0-25eb-5718-9bdd-a29978f91a5a"], ["audit", "checkpoint"]):
        result = _cli(tmp_path, *command, **{variable: value})

        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"error: {variable}"), lines[0]
        assert says in lines[0]
        assert "Traceback" not in result.stderr
        assert value not in lines[0] or len(value) < 8, "a key's value is never echoed"


def test_a_bad_key_line_names_the_command_that_makes_a_good_one(tmp_path):
    result = _cli(tmp_path, "status", "5aca18a0-25eb-5718-9bdd-a29978f91a5a", KAP_CIPHER_KEY="...")

    assert KEY_COMMAND in result.stderr


@pytest.mark.parametrize("size", [16, 24, 32])
def test_every_aes_key_size_is_accepted(tmp_path, size):
    result = _cli(
        tmp_path, "status", "5aca18a0-25eb-5718-9bdd-a29978f91a5a", KAP_CIPHER_KEY=_key(size)
    )

    assert result.returncode == 1, result.stderr  # got as far as looking the journey up
    assert "no journey" in result.stderr.lower()


def test_the_key_command_in_the_docs_makes_keys_the_service_accepts(tmp_path):
    made = subprocess.run(
        ["python3", "-c", KEY_COMMAND.split("-c ", 1)[1].strip("'")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    result = _cli(
        tmp_path,
        "status",
        "5aca18a0-25eb-5718-9bdd-a29978f91a5a",
        KAP_CIPHER_KEY=made,
        KAP_SIGNING_KEY=made,
    )

    assert result.returncode == 1, result.stderr
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    compose = (Path(__file__).parents[2] / "docker-compose.yml").read_text()
    assert KEY_COMMAND in readme
    assert KEY_COMMAND in compose


def test_postgresql_without_a_cipher_key_stops_with_one_line(tmp_path):
    result = _cli(
        tmp_path,
        "status",
        "5aca18a0-25eb-5718-9bdd-a29978f91a5a",
        KAP_DATABASE_URL="postgresql://kap@127.0.0.1:1/kap",
    )

    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: KAP_CIPHER_KEY")
