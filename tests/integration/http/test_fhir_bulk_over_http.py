"""A clinic as FHIR Bulk Data over HTTP: ``GET /v1/fhir/$export`` answers, at once, a zip of
one NDJSON file per resource type and its manifest, for the auditor's own clinic only."""

from __future__ import annotations

import io
import zipfile

import pytest

from interface.demo.cases import PATIENTS
from tests.integration.http.conftest import OTHER_CLINIC, Api, assert_problem
from tests.integration.test_fhir_bulk_export import assert_the_demo_clinic, read_files, seed


def test_the_http_export_is_the_auditors_clinic(api: Api) -> None:
    services = api.app.state.services
    seed(services, "clinic-a", OTHER_CLINIC)

    answer = api.client.get("/v1/fhir/$export", headers=api.headers(api.tokens["auditor"]))

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest, resources = read_files(files)
    assert_the_demo_clinic(resources)
    assert manifest["extension"]["clinic"] == "clinic-a"
    reads = services.access_log.entries("clinic-a", limit=1000)
    assert len([r for r in reads if r.action == "export"]) == len(PATIENTS)


@pytest.mark.parametrize("role", ["staff", "clinic_system", "admin"])
def test_only_auditors_export_a_clinic(api: Api, role: str) -> None:
    answer = api.client.get("/v1/fhir/$export", headers=api.headers(api.tokens[role]))

    assert_problem(answer, 403)
