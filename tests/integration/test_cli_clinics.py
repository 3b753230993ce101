"""A clinic set up from the command line alone, on a fresh database: its settings, REMS
certification and staff directory; refusals are one line naming the setting."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from interface.cli.main import app

runner = CliRunner()

SET_UP = [
    "clinics", "set", "--clinic", "denver",
    "--display-name", "Aspen Ketamine Clinic",
    "--time-zone", "America/Denver",
    "--address-line1", "1550 Wewatta St", "--city", "Denver", "--state", "CO",
    "--postal-code", "80202",
    "--phone", "+1 303 555 0142",
    "--billing-npi", "1234567893", "--tax-id", "84-1234567", "--place-of-service", "11",
    "--rems-certification-id", "HCS-DEN-0142", "--rems-certified-on", "2025-03-03",
]  # fmt: skip


def env_for(tmp_path: Path) -> dict[str, str]:
    return {"KAP_DATABASE_URL": f"sqlite:///{tmp_path / 'kap.db'}"}


def show(env: dict[str, str]) -> dict:
    shown = runner.invoke(app, ["clinics", "show", "--clinic", "denver", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.output)


def test_a_clinic_is_set_up_from_the_command_line(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    answer = runner.invoke(app, SET_UP, env=env)
    assert answer.exit_code == 0, answer.output
    assert "America/Denver" in answer.output
    assert "HCS-DEN-0142 since 2025-03-03" in answer.output
    for staff_id, role, npi in (("dr-lee", "prescriber", "1999900016"), ("nurse-kim", "nurse", "")):
        added = runner.invoke(
            app,
            ["staff", "add", "--clinic", "denver", staff_id, "--name", staff_id.title(),
             "--role", role, *(["--npi", npi] if npi else [])],
            env=env,
        )  # fmt: skip
        assert added.exit_code == 0, added.output
        assert f"({role}" in added.output
    clinic = show(env)
    assert clinic["time_zone"] == "America/Denver"
    assert clinic["address"] == {
        "line1": "1550 Wewatta St",
        "city": "Denver",
        "state": "CO",
        "postal_code": "80202",
    }
    assert [m["staff_id"] for m in clinic["staff"]] == ["dr-lee", "nurse-kim"]

    gone = runner.invoke(app, ["staff", "deactivate", "--clinic", "denver", "nurse-kim"], env=env)
    assert gone.exit_code == 0, gone.output
    assert gone.output.strip().endswith("inactive")
    listed = runner.invoke(app, ["staff", "list", "--clinic", "denver"], env=env).output
    assert "nurse-kim: Nurse-Kim (nurse), inactive" in listed


def test_set_changes_only_what_it_is_given(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    runner.invoke(app, SET_UP, env=env)
    before = show(env)
    changed = runner.invoke(
        app, ["clinics", "set", "--clinic", "denver", "--postal-code", "80203"], env=env
    )
    assert changed.exit_code == 0, changed.output
    after = show(env)
    assert after["address"] == {**before["address"], "postal_code": "80203"}
    assert after["billing_npi"] == before["billing_npi"]
    assert after["version"] == before["version"] + 1
    lapsed = runner.invoke(
        app, ["clinics", "set", "--clinic", "denver", "--no-rems-certification"], env=env
    )
    assert "none (spravato-rems doses are refused, J-18)" in lapsed.output


def test_a_refusal_is_one_line_naming_the_setting_and_records_nothing(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    runner.invoke(app, SET_UP, env=env)
    before = show(env)
    for args, named in (
        (["--billing-npi", "1234567890"], "billing_npi: "),
        (["--time-zone", "Denver"], "time_zone: "),
        (["--state", "Colorado"], "address.state: "),
        (["--rems-certification-id", "HCS-1", "--no-rems-certification"], "rems_certification"),
    ):
        refused = runner.invoke(app, ["clinics", "set", "--clinic", "denver", *args], env=env)
        assert refused.exit_code == 2, refused.output
        lines = refused.output.strip().splitlines()
        assert len(lines) == 1, refused.output
        assert lines[0].startswith(f"error: {named}"), refused.output
    assert show(env) == before
    bad_member = runner.invoke(
        app,
        ["staff", "add", "--clinic", "denver", "dr-x", "--name", "X", "--role", "surgeon"],
        env=env,
    )
    assert bad_member.exit_code == 2
    assert "error: staff.dr-x.role: " in bad_member.output


def test_a_new_clinic_needs_a_name_and_an_unknown_one_is_named(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    nameless = runner.invoke(
        app, ["clinics", "set", "--clinic", "denver", "--time-zone", "UTC"], env=env
    )
    assert nameless.exit_code == 2
    assert "display_name" in nameless.output
    unknown = runner.invoke(app, ["clinics", "show", "--clinic", "denver"], env=env)
    assert unknown.exit_code == 2
    assert "has no settings yet" in unknown.output
    staffless = runner.invoke(
        app, ["staff", "add", "--clinic", "denver", "x", "--name", "X", "--role", "nurse"], env=env
    )
    assert staffless.exit_code == 2
