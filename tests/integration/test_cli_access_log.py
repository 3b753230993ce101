"""Every command that reads journey data at the command line leaves access-log rows that
name the operator (``cli:<user>``, admin), the clinic, the journey and the purpose."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from interface.audit.access_log import OTHER_PURPOSE, access_log, create_access_log_table
from interface.cli.main import app
from interface.cli.operator import operator
from interface.demo.cases import PATIENTS
from interface.demo.seed import DEMO_CLINIC
from interface.storage.engine import create_sql_engine

runner = CliRunner()


@dataclass
class Seeded:
    env: dict[str, str]
    journey_id: str

    def rows_after(self, *args: str, exit_code: int = 0) -> list[dict[str, object]]:
        """The access-log rows the command ``args`` appended."""
        before = len(self.rows())
        result = runner.invoke(app, list(args), env=self.env)
        assert result.exit_code == exit_code, result.output
        return self.rows()[before:]

    def rows(self) -> list[dict[str, object]]:
        engine = create_sql_engine(self.env["KAP_DATABASE_URL"])
        try:
            with engine.connect() as connection:
                query = select(access_log).order_by(access_log.c.id)
                return [dict(row) for row in connection.execute(query).mappings()]
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-reads') / 'kap.db'}"
    env = {"KAP_DATABASE_URL": url}
    demo = runner.invoke(app, ["demo"], env=env)
    assert demo.exit_code == 0, demo.output
    engine = create_sql_engine(url)
    create_access_log_table(engine)  # made on the first logged read otherwise
    engine.dispose()
    # demo prints each showcase journey's address; ids are keyed per deployment
    match = re.search(r"/v1/journeys/([0-9a-f-]{36})$", demo.output, re.MULTILINE)
    assert match, demo.output
    return Seeded(env, match.group(1))


def by_the_operator(rows: list[dict[str, object]]) -> bool:
    return bool(rows) and all(
        row["token_name"] == operator()
        and str(row["token_name"]).startswith("cli:")
        and row["role"] == "admin"
        and row["purpose"] == OTHER_PURPOSE
        for row in rows
    )


def test_the_compliance_report_is_logged_for_its_clinic(seeded):
    rows = seeded.rows_after("audit", "compliance", "--clinic", DEMO_CLINIC, "--format", "csv")

    assert [(r["action"], r["clinic_id"], r["journey_id"]) for r in rows] == [
        ("compliance", DEMO_CLINIC, None)
    ]
    assert by_the_operator(rows)


def test_a_compliance_report_of_one_journey_names_it(seeded):
    rows = seeded.rows_after(
        *("audit", "compliance", "--clinic", DEMO_CLINIC, "--format", "json"),
        *("--journey", seeded.journey_id),
    )

    assert [(r["action"], str(r["journey_id"])) for r in rows] == [
        ("compliance", seeded.journey_id)
    ]
    assert by_the_operator(rows)


def test_a_refused_compliance_command_reads_nothing_and_logs_nothing(seeded):
    rows = seeded.rows_after(
        "audit", "compliance", "--clinic", DEMO_CLINIC, "--format", "xml", exit_code=2
    )

    assert rows == []


@pytest.mark.parametrize(
    ("command", "action"),
    [
        (["status", "{id}"], "status"),
        (["history", "{id}"], "history"),
        (["audit", "replay", "{id}", "--version", "2"], "replay"),
        (["audit", "verify", "--journey", "{id}"], "verify"),
        (["superbill", "{id}"], "superbill"),
    ],
)
def test_each_read_of_one_journey_is_logged_under_its_clinic(seeded, command, action):
    rows = seeded.rows_after(*(part.format(id=seeded.journey_id) for part in command))

    assert [(r["action"], r["clinic_id"], str(r["journey_id"])) for r in rows] == [
        (action, DEMO_CLINIC, seeded.journey_id)
    ]
    assert by_the_operator(rows)


def test_verifying_the_whole_store_is_logged_store_wide(seeded):
    rows = seeded.rows_after("audit", "verify")

    assert [(r["action"], r["clinic_id"], r["journey_id"]) for r in rows] == [("verify", "*", None)]
    assert by_the_operator(rows)


def test_an_export_logs_each_journey_it_holds(seeded, tmp_path: Path):
    rows = seeded.rows_after(
        "audit", "export", "--clinic", DEMO_CLINIC, "--out", str(tmp_path / "bundle.zip")
    )

    assert {r["action"] for r in rows} == {"export"}
    assert {r["clinic_id"] for r in rows} == {DEMO_CLINIC}
    assert len(rows) == len({r["journey_id"] for r in rows}) == len(PATIENTS)
    assert by_the_operator(rows)
