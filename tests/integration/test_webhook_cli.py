"""``kap-journeys webhooks add|list|remove`` on a fresh database: the secret printed once,
never listed; refusals are one line naming the field."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from interface.cli.main import app

runner = CliRunner()


def env_for(tmp_path: Path) -> dict[str, str]:
    return {"KAP_DATABASE_URL": f"sqlite:///{tmp_path / 'kap.db'}"}


def test_an_operator_adds_lists_and_removes_an_endpoint(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    added = runner.invoke(
        app,
        ["webhooks", "add", "--clinic", "denver", "--url", "https://ehr.example.org/kap",
         "--event-type", "dose_refused", "--description", "EHR inbox"],
        env=env,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    made = json.loads(added.stdout)
    assert made["secret"].startswith("whsec_")
    assert made["created_by"].startswith("cli:")
    listed = runner.invoke(app, ["webhooks", "list", "--clinic", "denver"], env=env)
    assert made["id"] in listed.output
    assert made["secret"] not in listed.output
    removed = runner.invoke(app, ["webhooks", "remove", "--clinic", "denver", made["id"]], env=env)
    assert removed.exit_code == 0, removed.output
    listed = runner.invoke(app, ["webhooks", "list", "--clinic", "denver", "--json"], env=env)
    assert json.loads(listed.output) == []
    again = runner.invoke(app, ["webhooks", "remove", "--clinic", "denver", made["id"]], env=env)
    assert again.exit_code == 1
    assert again.output.startswith("error: no webhook")


def test_a_bad_endpoint_is_one_line_naming_the_field(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    refused = runner.invoke(
        app,
        ["webhooks", "add", "--clinic", "denver", "--url", "http://ehr.example.org/",
         "--event-type", "*"],
        env=env,
    )  # fmt: skip
    assert refused.exit_code == 2
    assert refused.output.startswith("error: url: must be https")
    listed = runner.invoke(app, ["webhooks", "list", "--clinic", "denver", "--json"], env=env)
    assert json.loads(listed.output) == []
