"""An integrator who knows FHIR and nothing of this service: against a real server with
the demo clinic seeded (SQLite and PostgreSQL), the clinic's Bulk Data export and each
journey's Bundle load into FHIR R4 models without an error, and their references resolve."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import httpx
import pytest
from eventsourcing.cipher import AESCipher
from fhir.resources.R4B.bundle import Bundle

from interface.demo.cases import PATIENTS
from interface.demo.seed import DEMO_CLINIC
from tests.e2e.server import running_server
from tests.integration.http.test_fhir_export import (
    assert_references_resolve,
    assert_valid_r4,
    fhir_resources,
)


def demo_tokens(output: str) -> dict[str, str]:
    """The role tokens ``kap-journeys demo`` prints, one ``  role  token`` line each."""
    tokens = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in {"staff", "auditor", "clinic_system", "admin"}:
            tokens[parts[0]] = parts[1]
    return tokens


@pytest.mark.e2e
def test_the_demo_clinic_exports_as_fhir_r4(database_url: str, tmp_path: Path) -> None:
    key = {"KAP_CIPHER_KEY": AESCipher.create_key(16)}
    with running_server(database_url, tmp_path, key) as server:
        seeded = server.cli("demo")
        assert seeded.returncode == 0, seeded.stderr
        tokens = demo_tokens(seeded.stdout)
        client = httpx.Client(base_url=server.url, timeout=60)
        auditor = {"Authorization": f"Bearer {tokens['auditor']}"}

        export = client.get("/v1/fhir/$export", headers=auditor)

        assert export.status_code == 200, export.text
        with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            resources = [
                json.loads(line)
                for name in archive.namelist()
                if name.endswith(".ndjson")
                for line in archive.read(name).decode().splitlines()
            ]
        assert manifest["extension"] == {
            "clinic": DEMO_CLINIC,
            "logPosition": manifest["extension"]["logPosition"],
            "journeys": len(PATIENTS),
        }
        assert_valid_r4(resources)
        assert_references_resolve(resources)
        episodes = [r["id"] for r in resources if r["resourceType"] == "EpisodeOfCare"]
        assert len(episodes) == len(PATIENTS)
        for journey_id in episodes:
            answer = client.get(
                f"/v1/journeys/{journey_id}/fhir",
                headers={"Authorization": f"Bearer {tokens['staff']}"},
            )
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-type"] == "application/fhir+json"
            bundle = answer.json()
            Bundle.model_validate(bundle)
            assert_valid_r4(fhir_resources(bundle))
            assert_references_resolve(fhir_resources(bundle))
