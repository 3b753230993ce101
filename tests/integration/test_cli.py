"""The operator's CLI: seed the demo clinic, then read a journey's status and history."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from interface.cli.main import app
from interface.demo.cases import PATIENTS
from interface.services import Services
from interface.settings import Settings

runner = CliRunner()


def showcase_id(demo_output: str, case: str) -> str:
    """A showcase journey's id as ``demo`` prints it (ids are keyed per deployment)."""
    match = re.search(rf"^  {case} +\S+/v1/journeys/(\S+)$", demo_output, re.MULTILINE)
    assert match, demo_output
    return match.group(1)


def test_demo_seeds_once_prints_a_token_per_role_then_status_and_history_read_it(tmp_path):
    env = {"KAP_DATABASE_URL": f"sqlite:///{tmp_path / 'kap.db'}"}
    first = runner.invoke(app, ["demo"], env=env)
    again = runner.invoke(app, ["demo"], env=env)

    assert first.exit_code == 0, first.output
    assert f"Seeded {len(PATIENTS)} demo journeys" in first.output
    assert "already seeded" in again.output
    for role in ("clinic_system", "staff", "auditor", "admin"):
        assert f"  {role}" in again.output

    journey_id = showcase_id(again.output, "safety_hold")
    status = runner.invoke(app, ["status", journey_id], env=env)
    assert status.exit_code == 0, status.output
    assert "safety_hold" in json.loads(status.output)["flags"]

    history = runner.invoke(app, ["history", journey_id], env=env)
    lines = [json.loads(line) for line in history.output.splitlines()]
    assert lines[0]["type"] == "JourneyOpened"
    assert [e["version"] for e in lines] == list(range(1, len(lines) + 1))


def _demo_tokens(output: str) -> dict[str, str]:
    roles = {"clinic_system", "staff", "auditor", "admin"}
    lines = [line.split() for line in output.splitlines()]
    return {words[0]: words[1] for words in lines if len(words) == 2 and words[0] in roles}


def test_each_demo_run_revokes_the_tokens_the_previous_run_printed(tmp_path):
    env = {"KAP_DATABASE_URL": f"sqlite:///{tmp_path / 'kap.db'}"}
    first = _demo_tokens(runner.invoke(app, ["demo"], env=env).output)
    second = _demo_tokens(runner.invoke(app, ["demo"], env=env).output)

    assert set(first) == set(second) == {"clinic_system", "staff", "auditor", "admin"}
    services = Services(Settings(database_url=env["KAP_DATABASE_URL"]))
    try:
        for role in first:
            assert services.tokens.authenticate(first[role]) is None, role
            assert services.tokens.authenticate(second[role]) is not None, role
    finally:
        services.close()


def test_status_of_an_unknown_or_malformed_id_fails_clearly(tmp_path):
    env = {"KAP_DATABASE_URL": f"sqlite:///{tmp_path / 'kap.db'}"}
    unknown = runner.invoke(app, ["status", "5aca18a0-25eb-5718-9bdd-a29978f91a5a"], env=env)
    malformed = runner.invoke(app, ["history", "not-a-uuid"], env=env)
    assert unknown.exit_code == 1
    assert malformed.exit_code == 2


def test_reads_at_the_command_line_are_in_the_access_log(tmp_path):
    from sqlalchemy import select

    from interface.audit.access_log import access_log
    from interface.storage.engine import create_sql_engine

    url = f"sqlite:///{tmp_path / 'kap.db'}"
    env = {"KAP_DATABASE_URL": url}
    seeded = runner.invoke(app, ["demo"], env=env)
    journey_id = showcase_id(seeded.output, "six_sessions")

    runner.invoke(app, ["status", journey_id], env=env)
    runner.invoke(app, ["history", journey_id], env=env)

    engine = create_sql_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(access_log)).mappings().all()
    engine.dispose()
    assert [(r["action"], str(r["journey_id"])) for r in rows] == [
        ("status", journey_id),
        ("history", journey_id),
    ]
    assert all(r["token_name"].startswith("cli:") and r["role"] == "admin" for r in rows)
    assert all(r["clinic_id"] == "demo-clinic" for r in rows)
