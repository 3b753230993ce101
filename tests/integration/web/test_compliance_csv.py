"""The dashboard's compliance CSV and the CLI's are one format, byte for byte: the same
columns in the same order, RFC 3339 UTC times, CRLF lines."""

from __future__ import annotations

import csv
import io
import re

import pytest
from typer.testing import CliRunner

from interface.cli.audit import compliance as compliance_cli
from interface.cli.main import app as cli_app
from interface.services import Services
from tests.integration.http.conftest import CLINIC

runner = CliRunner()
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
HEADER = "journey_id,patient_ref,rule,occurrence,versions,at,due_at,detail"
LOCAL_HEADER = HEADER + ",at_local,due_at_local"
"""The demo clinic keeps Denver's time: its file adds the local columns at the end."""
RFC3339_DENVER = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?-0[67]:00$")


def cli_csv(dashboard, monkeypatch: pytest.MonkeyPatch, *options: str) -> bytes:
    """The CLI's report on the dashboard's database, read at the dashboard's clock."""
    api = dashboard.api
    monkeypatch.setattr(
        compliance_cli, "Services", lambda settings: Services(settings, clock=api.clock)
    )
    env = {"KAP_DATABASE_URL": api.database_url, "KAP_CIPHER_KEY": api.settings.cipher_key}
    result = runner.invoke(
        cli_app, ["audit", "compliance", "--clinic", CLINIC, "--format", "csv", *options], env=env
    )
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.parametrize("rule", [None, "C-10"])
def test_the_dashboards_csv_and_the_clis_are_byte_identical(dashboard, monkeypatch, rule):
    params = {"rule": rule} if rule else {}
    options = ("--rule", rule) if rule else ()

    downloaded = dashboard.auditor.get("/audit/compliance.csv", params=params).content
    printed = cli_csv(dashboard, monkeypatch, *options)

    assert downloaded == printed
    assert downloaded.count(b"\r\n") == len(list(csv.reader(io.StringIO(printed.decode())))) > 1


def test_the_csv_has_the_columns_in_order_and_utc_times(dashboard):
    text = dashboard.auditor.get("/audit/compliance.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))

    assert text.splitlines()[0] == LOCAL_HEADER
    assert rows
    for row in rows:
        assert RFC3339_UTC.match(row["at"]), row["at"]
        assert row["due_at"] == "" or RFC3339_UTC.match(row["due_at"]), row["due_at"]
        assert RFC3339_DENVER.match(row["at_local"]), row["at_local"]
        assert (row["due_at"] == "") == (row["due_at_local"] == ""), row["due_at_local"]
        assert re.fullmatch(r"\d+( \d+)*", row["versions"]), row["versions"]
        assert row["patient_ref"].startswith("DEMO-")
