"""A clinic as FHIR Bulk Data: ``kap-journeys fhir export --clinic C --out DIR`` and
``GET /v1/fhir/$export`` write one NDJSON file per resource type and a manifest; every
resource of the demo clinic parses as R4, references resolve across the files, only the
clinic's own journeys are in them, and each journey exported is logged as read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.cipher import AESCipher
from typer.testing import CliRunner

from application.answers import OpenJourney
from domain.entries import Actor, Posting
from interface.cli.main import app
from interface.demo.cases import PATIENTS
from interface.demo.seed import DEMO_CLINIC, seed_demo_clinic
from interface.services import Services
from interface.settings import Settings
from tests.integration.http.test_fhir_export import assert_references_resolve, assert_valid_r4
from tests.story import START

runner = CliRunner()
ELSEWHERE = "MRN-ELSEWHERE"


def seed(services: Services, clinic_id: str, other_clinic: str) -> None:
    """The demo clinic's journeys in ``clinic_id``, and one journey in another clinic."""
    seed_demo_clinic(services.journeys, services.clinics, clinic_id)
    opening = Posting(START, START, Actor("coord-sam", "coordinator"), "setup")
    services.journeys.open_journey(
        other_clinic, OpenJourney(ELSEWHERE, 1, "kap-standard", "dr-lee", ["anxiety"]), opening
    )


def read_files(files: dict[str, bytes]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The manifest, and every resource of the NDJSON files (each in its type's file)."""
    manifest = json.loads(files.pop("manifest.json"))
    resources = []
    for name, content in files.items():
        lines = [json.loads(line) for line in content.decode().splitlines()]
        assert {r["resourceType"] for r in lines} == {name.removesuffix(".ndjson")}
        resources += lines
    assert {o["url"]: o["count"] for o in manifest["output"]} == {
        name: len(content.decode().splitlines()) for name, content in files.items()
    }
    return manifest, resources


def assert_the_demo_clinic(resources: list[dict[str, Any]]) -> None:
    assert_valid_r4(resources)
    assert_references_resolve(resources)
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    episodes = [r for r in resources if r["resourceType"] == "EpisodeOfCare"]
    assert len(episodes) == len(PATIENTS)
    refs = {p["identifier"][0]["value"] for p in patients}
    assert ELSEWHERE not in refs
    assert len(refs) == len(patients)  # each patient once, however many episodes
    assert {e["status"] for e in episodes} >= {"planned", "active", "onhold", "finished"}


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    key = AESCipher.create_key(16)
    services = Services(Settings(database_url=database_url, cipher_key=key, run_projections=False))
    try:
        seed(services, DEMO_CLINIC, "clinic-z")
    finally:
        services.close()
    return {"KAP_DATABASE_URL": database_url, "KAP_CIPHER_KEY": key, "KAP_RUN_PROJECTIONS": "false"}


def test_the_cli_writes_one_ndjson_file_per_type(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "fhir"

    result = runner.invoke(
        app, ["fhir", "export", "--clinic", DEMO_CLINIC, "--out", str(out)], env=env
    )

    assert result.exit_code == 0, result.output
    assert f"{len(PATIENTS)} journeys exported" in result.output
    manifest, resources = read_files({p.name: p.read_bytes() for p in out.iterdir()})
    assert_the_demo_clinic(resources)
    assert manifest["extension"]["journeys"] == len(PATIENTS)
    assert manifest["error"] == []
    services = Services(
        Settings(database_url=env["KAP_DATABASE_URL"], cipher_key=env["KAP_CIPHER_KEY"])
    )
    try:
        reads = services.access_log.entries(DEMO_CLINIC, limit=1000)
    finally:
        services.close()
    exported = {r.journey_id for r in reads if r.action == "export"}
    episodes = {r["id"] for r in resources if r["resourceType"] == "EpisodeOfCare"}
    assert {str(j) for j in exported} == episodes


def test_the_cli_refuses_a_bad_clinic_id(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "fhir"
    env = {"KAP_DATABASE_URL": sqlite_url, "KAP_CIPHER_KEY": AESCipher.create_key(16)}

    result = runner.invoke(
        app, ["fhir", "export", "--clinic", "no such", "--out", str(out)], env=env
    )

    assert result.exit_code == 2
    assert "clinic id" in result.output
    assert not out.exists()
