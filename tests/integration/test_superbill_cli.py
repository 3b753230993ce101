"""``kap-journeys fees set|show`` and ``kap-journeys superbill``: the operator's side of
the superbill, on a real database; the PDF is written for its owner only."""

from __future__ import annotations

import io
import json
import stat
from datetime import timedelta

import pypdf
import pytest
import yaml
from eventsourcing.cipher import AESCipher
from typer.testing import CliRunner

from interface.cli.main import app
from interface.services import Services
from interface.settings import Settings
from tests.integration.journeys_app import CLINIC, open_journey, post
from tests.story import START, dosing_session, intake
from tests.unit.billing.billing_story import SETTINGS

runner = CliRunner()


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {
        "KAP_DATABASE_URL": f"sqlite:///{tmp_path / 'kap.db'}",
        "KAP_CIPHER_KEY": AESCipher.create_key(16),
    }


@pytest.fixture
def journey_id(env) -> str:
    """A KAP journey through one session, at a clinic with its claim settings."""
    services = Services(
        Settings(database_url=env["KAP_DATABASE_URL"], cipher_key=env["KAP_CIPHER_KEY"])
    )
    try:
        journey = open_journey(services.journeys)
        for step in [*intake(START), *dosing_session(1, START + timedelta(days=5, hours=1))]:
            post(services.journeys, journey, step)
        services.clinics.change_settings(CLINIC, SETTINGS, "test-setup")
    finally:
        services.close()
    return str(journey)


def cli(env, *args: str):
    return runner.invoke(app, list(args), env=env)


def test_fees_set_from_a_file_and_codes_then_show_them_in_dollars(env, tmp_path):
    schedule = tmp_path / "fees.yaml"
    schedule.write_text(
        'fees:\n  "90792": 350\n  90837: "200.00"\ntelehealth_place_of_service: 2\n'
    )

    first = cli(env, "fees", "set", str(schedule), "--clinic", CLINIC, "--code", "g2082=600.5")
    assert first.exit_code == 0, first.output
    shown = yaml.safe_load(cli(env, "fees", "show", "--clinic", CLINIC).output)

    assert shown["fees"] == {"90792": "350.00", "90837": "200.00", "G2082": "600.50"}
    assert shown["telehealth_place_of_service"] == "02"
    assert "99215" in shown["unpriced"]


def test_fees_show_reads_back_as_fees_set_takes_it(env, tmp_path):
    assert cli(env, "fees", "set", "--clinic", CLINIC, "--code", "90834=160").exit_code == 0
    written = tmp_path / "again.yaml"
    written.write_text(cli(env, "fees", "show", "--clinic", CLINIC).output)

    again = cli(env, "fees", "set", str(written), "--clinic", CLINIC)

    assert again.exit_code == 0, again.output
    assert yaml.safe_load(cli(env, "fees", "show", "--clinic", CLINIC).output)["fees"] == {
        "90834": "160.00"
    }


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("90837=200.001", "fees.90837: '200.001' has more than 2 decimals"),
        ("90837=-1", "fees.90837: is -100 cents"),
        ("90837=10000.01", "fees.90837: is 1000001 cents"),
        ("9083=1", "fees.9083: is not a CPT or HCPCS code"),
        ("90837", "--code '90837': write CODE=DOLLARS"),
    ],
)
def test_a_bad_fee_is_one_line_naming_it_and_nothing_is_set(env, code, message):
    refused = cli(env, "fees", "set", "--clinic", CLINIC, "--code", code)

    assert refused.exit_code == 2
    assert refused.output.startswith(f"error: {message}"), refused.output
    assert yaml.safe_load(cli(env, "fees", "show", "--clinic", CLINIC).output)["fees"] == {}


def test_the_superbill_waits_for_the_fees_it_needs(env, journey_id):
    refused = cli(env, "superbill", journey_id)

    assert refused.exit_code == 1
    assert "fees.90792" in refused.output
    assert "fees.99215" in refused.output


def test_the_superbill_prints_json_and_writes_the_pdf_owner_only(env, journey_id, tmp_path):
    fees = [f"{c}=100" for c in ("90792", "90837", "90832", "99215", "96372")]
    priced = cli(env, "fees", "set", "--clinic", CLINIC, *[x for f in fees for x in ("--code", f)])
    assert priced.exit_code == 0, priced.output
    as_json = cli(env, "superbill", journey_id, "--from", "2026-10-06", "--to", "2026-10-06")
    assert as_json.exit_code == 0, as_json.output
    bill = json.loads(as_json.output)
    assert [line["code"] for line in bill["lines"]] == ["99215", "90832", "96372"]

    out = tmp_path / "superbill.pdf"
    written = cli(env, "superbill", journey_id, "--pdf", str(out))

    assert written.exit_code == 0, written.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "Total charges: $600.00 USD" in text
    assert SETTINGS["tax_id"] in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-10-32"], "error: --from is a date, YYYY-MM-DD"),
        (["--from", "2026-10-07", "--to", "2026-10-06"], "error: --from from 2026-10-07"),
    ],
)
def test_a_bad_period_is_refused(env, journey_id, args, message):
    refused = cli(env, "superbill", journey_id, *args)
    assert refused.exit_code == 2
    assert refused.output.startswith(message), refused.output


def test_an_unknown_journey_is_not_found(env):
    refused = cli(env, "superbill", "00000000-0000-4000-8000-000000000000")
    assert refused.exit_code == 1
    assert refused.output == "error: No journey 00000000-0000-4000-8000-000000000000.\n"
