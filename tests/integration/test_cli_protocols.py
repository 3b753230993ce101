"""``kap-journeys protocols``: a medical director's YAML file becomes the clinic's next
protocol version; a parameter outside the safety envelope is one line naming it, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from interface.cli.main import app

runner = CliRunner()

DENVER_KAP = """\
name: denver-kap
base: kap-standard
changes:
  max_mg_per_kg_injected: 1.0
  min_observation_minutes: 90
  fasting_rule: advisory   # "avoid heavy meals"
"""


def _env(tmp_path: Path) -> dict[str, str]:
    return {"KAP_DATABASE_URL": f"sqlite:///{tmp_path / 'kap.db'}"}


def _file(tmp_path: Path, text: str, name: str = "protocol.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_yaml_file_is_published_and_listed_with_its_diff(tmp_path: Path) -> None:
    env = _env(tmp_path)
    published = runner.invoke(
        app, ["protocols", "publish", _file(tmp_path, DENVER_KAP), "--clinic", "denver"], env=env
    )
    listed = runner.invoke(app, ["protocols", "list", "--clinic", "denver", "--json"], env=env)

    assert published.exit_code == 0, published.output
    assert "denver-kap denver-1, from kap-standard 2027-1" in published.output
    assert "  max_mg_per_kg_injected: 0.75 -> 1.0" in published.output
    assert listed.exit_code == 0, listed.output
    [version] = json.loads(listed.output)
    assert version["version"] == "denver-1"
    assert version["published_by"].startswith("cli:")
    assert [c["parameter"] for c in version["diff"]] == [
        "min_observation_minutes",
        "max_mg_per_kg_injected",
        "fasting_rule",
    ]


def test_a_parameter_outside_the_envelope_is_one_line_exit_2_and_nothing_is_published(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path)
    loose = DENVER_KAP.replace("max_mg_per_kg_injected: 1.0", "max_mg_per_kg_injected: 1.5")

    refused = runner.invoke(
        app, ["protocols", "publish", _file(tmp_path, loose), "--clinic", "denver"], env=env
    )
    listed = runner.invoke(app, ["protocols", "list", "--clinic", "denver"], env=env)

    assert refused.exit_code == 2
    [line] = refused.output.strip().splitlines()
    assert line.startswith("error: max_mg_per_kg_injected: must be between 0.1 and 1 ")
    assert "has published no protocol of its own" in listed.output


def test_a_file_that_is_not_a_protocol_is_one_line_exit_2(tmp_path: Path) -> None:
    env = _env(tmp_path)
    cases = {
        "broken.yaml": "name: [unclosed\n",
        "list.yaml": "- name: denver-kap\n",
        "extra.yaml": DENVER_KAP + "author: dr-lee\n",
    }
    for name, text in cases.items():
        answer = runner.invoke(
            app,
            ["protocols", "publish", _file(tmp_path, text, name), "--clinic", "denver"],
            env=env,
        )
        assert answer.exit_code == 2, (name, answer.output)
        assert len(answer.output.strip().splitlines()) == 1, answer.output
    missing = runner.invoke(
        app, ["protocols", "publish", str(tmp_path / "none.yaml"), "--clinic", "denver"], env=env
    )
    assert missing.exit_code == 2
    assert "none.yaml" in missing.output
