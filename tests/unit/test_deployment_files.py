"""The deployment files agree with the code: settings names, console script, ports, health."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from interface.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
APP = "kap-journeys"
POSTGRES = "postgres"


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service(name: str) -> dict[str, Any]:
    services = compose().get("services") or {}
    assert name in services, f"docker-compose.yml has no service {name!r}"
    return services[name]


def environment(name: str) -> dict[str, str]:
    """A service's environment, whether written as a mapping or as KEY=VALUE lines."""
    env = service(name).get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: str(value) for key, value in env.items()}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments dropped and continued lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def dockerfile_values(keyword: str) -> list[str]:
    return [arguments for name, arguments in dockerfile_instructions() if name == keyword]


def final_cmd() -> list[str]:
    cmds = dockerfile_values("CMD")
    assert cmds, "Dockerfile has no CMD"
    cmd = json.loads(cmds[-1])  # exec form, so the server gets SIGTERM directly
    assert isinstance(cmd, list)
    return [str(part) for part in cmd]


def exposed_ports() -> set[int]:
    return {
        int(port.split("/")[0]) for value in dockerfile_values("EXPOSE") for port in value.split()
    }


def container_port(mapping: str | int | dict[str, Any]) -> int:
    if isinstance(mapping, dict):
        return int(mapping["target"])
    return int(str(mapping).rsplit(":", 1)[-1].split("/")[0])


def test_compose_declares_the_database_and_the_service() -> None:
    services = compose()["services"]
    assert {POSTGRES, APP} <= set(services)
    assert str(services[POSTGRES]["image"]).startswith("postgres:")


def test_every_kap_variable_in_compose_is_a_setting() -> None:
    names = {key for key in environment(APP) if key.startswith("KAP_")}
    read_by_settings = {f"KAP_{field.upper()}" for field in Settings.model_fields}
    assert names, "the service sets no KAP_ variable"
    assert names <= read_by_settings, f"not read by Settings: {sorted(names - read_by_settings)}"


def test_database_url_points_at_the_postgres_service() -> None:
    url = urlsplit(environment(APP)["KAP_DATABASE_URL"])
    db = environment(POSTGRES)
    assert url.scheme in {"postgresql", "postgres"}
    assert url.hostname == service(POSTGRES).get("hostname", POSTGRES)
    assert url.port in {None, 5432}
    assert url.username == db["POSTGRES_USER"]
    assert url.password == db["POSTGRES_PASSWORD"]
    # The image names the database after the user when POSTGRES_DB is unset.
    assert url.path.lstrip("/") == db.get("POSTGRES_DB", db["POSTGRES_USER"])


@pytest.mark.parametrize("variable", ["KAP_CIPHER_KEY", "KAP_SIGNING_KEY"])
def test_both_keys_must_come_from_the_environment(variable: str) -> None:
    value = environment(APP)[variable]
    assert re.fullmatch(rf"\$\{{{variable}:\?[^}}]*\}}", value), value


def test_service_starts_only_once_postgres_is_healthy() -> None:
    depends_on = service(APP).get("depends_on")
    assert isinstance(depends_on, dict), "depends_on needs the long form to carry a condition"
    assert depends_on[POSTGRES]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", [POSTGRES, APP])
def test_both_services_have_a_healthcheck(name: str) -> None:
    healthcheck = service(name).get("healthcheck") or {}
    assert healthcheck.get("test"), f"{name} has no healthcheck test"
    assert not healthcheck.get("disable", False)


def test_service_healthcheck_asks_for_health() -> None:
    test = service(APP)["healthcheck"]["test"]
    assert "/health" in (test if isinstance(test, str) else " ".join(test))
    assert any("/health" in value for value in dockerfile_values("HEALTHCHECK"))


def test_service_is_built_from_the_dockerfile() -> None:
    build = service(APP).get("build")
    if isinstance(build, dict):
        assert build.get("dockerfile", "Dockerfile") == "Dockerfile"
        build = build.get("context", ".")
    assert Path(ROOT, str(build)).resolve() == ROOT


def test_docker_cmd_serves_with_the_declared_console_script() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    cmd = final_cmd()
    assert cmd[0] == "kap-journeys"
    assert cmd[0] in scripts
    assert cmd[1] == "serve"


def test_docker_exposes_the_port_the_service_listens_on_and_compose_publishes() -> None:
    cmd = final_cmd()
    assert "--port" in cmd
    listens_on = int(cmd[cmd.index("--port") + 1])
    published = {container_port(mapping) for mapping in service(APP).get("ports", [])}
    assert listens_on in exposed_ports()
    assert published, "the service publishes no port"
    assert published <= exposed_ports()


def test_images_never_carry_local_data_or_the_venv() -> None:
    ignored = {
        line.strip().strip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "var"} <= ignored  # var/ holds the demo database and its key


def test_makefile_has_run_and_test_targets() -> None:
    targets = set(re.findall(r"^([A-Za-z][\w.-]*)\s*:(?!=)", (ROOT / "Makefile").read_text(), re.M))
    assert {"run", "test"} <= targets


def test_ci_script_runs_make_test_and_is_executable() -> None:
    script = ROOT / ".ci" / "run"
    commands = [line.strip() for line in script.read_text().splitlines()]
    assert "make test" in commands
    assert os.access(script, os.X_OK)


def test_the_pre_commit_hooks_run_the_projects_own_ruff() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]

    assert [repo["repo"] for repo in config["repos"]] == ["local"], "nothing fetched"
    assert ".venv/bin/ruff check --force-exclude" in entries
    assert ".venv/bin/ruff format --check --force-exclude" in entries


def test_make_test_lints_before_the_slow_tests_and_make_unit_runs_the_fast_tier() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest: ", 1)[1].split("\n\n", 1)[0]

    assert recipe.index("$(LINT)") < recipe.index("pytest")
    assert "pytest tests/unit" in makefile.split("\nunit: ", 1)[1].split("\n\n", 1)[0]
