"""Evidence bundles: exported from the service, checked with nothing but the bundle."""

from __future__ import annotations

import ast
import base64
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interface.audit.bundle import build_bundle
from interface.audit.bundle_verifier import verify_bundle
from interface.cli.main import app as cli
from interface.services import Services
from tests.integration.journeys_app import open_journey, post
from tests.integration.signed import signed_settings
from tests.story import START, dosing_session, intake

VERIFIER = Path(__file__).resolve().parents[3] / "interface" / "audit" / "bundle_verifier.py"
STORY = intake() + dosing_session(1, START + timedelta(days=10))
OURS = 2 * (1 + len(STORY))
"""Our two journeys' entries: each opened, then the story."""


@pytest.fixture
def clinic(database_url, tmp_path):
    settings = signed_settings(
        database_url,
        run_projections=False,
    )
    services = Services(settings)
    ours = [open_journey(services.journeys, patient_ref=f"MRN-{n}") for n in (1, 2)]
    theirs = open_journey(services.journeys, patient_ref="MRN-9", clinic="clinic-b")
    for journey_id in ours:
        for s in STORY:
            post(services.journeys, journey_id, s)
    yield services, settings, ours, theirs, tmp_path
    services.close()


def exported(services, journeys, tmp_path) -> Path:
    path = tmp_path / "bundle.zip"
    path.write_bytes(build_bundle(services, journeys, {"clinic_id": "clinic-a"}))
    return path


def rewritten(path: Path, name: str, change) -> Path:
    """A copy of the bundle with one file changed (and the manifest left as it was)."""
    with zipfile.ZipFile(path) as original:
        files = {n: original.read(n) for n in original.namelist()}
    files[name] = change(files[name])
    altered = path.with_name("altered.zip")
    with zipfile.ZipFile(altered, "w") as bundle:
        for n, body in files.items():
            bundle.writestr(n, body)
    return altered


def test_a_fresh_bundle_verifies_offline(clinic):
    services, _, ours, _, tmp_path = clinic
    report = verify_bundle(exported(services, ours, tmp_path))

    assert report.problems == []
    assert report.ok
    assert report.events_checked == OURS
    assert report.journeys == 2
    assert report.checkpoints >= 1


def test_the_bundle_holds_the_promised_files_and_plaintext_entries(clinic):
    services, _, ours, theirs, tmp_path = clinic
    with zipfile.ZipFile(exported(services, ours, tmp_path)) as bundle:
        names = set(bundle.namelist())
        lines = bundle.read("events.ndjson").decode().splitlines()
        manifest = json.loads(bundle.read("manifest.json"))

    assert names == {
        "events.ndjson",
        "checkpoints.json",
        "proofs.json",
        "public_key.b64",
        "manifest.json",
    }
    first = json.loads(lines[0])
    assert first["type"] == "JourneyOpened"
    assert first["data"]["patient_ref"] == "MRN-1"
    assert set(first) >= {"hash", "digest", "salt", "leaf_index", "type", "data", "version"}
    assert str(theirs) not in "".join(lines)
    assert manifest["events"] == OURS


@pytest.mark.parametrize(
    ("field", "value"),
    [("dose_mg", 20.0), ("therapist_present", None), ("lot_number", "KET-FAKE")],
)
def test_changing_an_entry_in_the_bundle_names_that_entry(clinic, field, value):
    services, _, ours, _, tmp_path = clinic
    path = exported(services, ours, tmp_path)

    def change(body: bytes) -> bytes:
        lines = [json.loads(line) for line in body.decode().splitlines()]
        dose = next(e for e in lines if e["type"] == "KetamineAdministered")
        dose["data"][field] = value
        return ("\n".join(json.dumps(e) for e in lines) + "\n").encode()

    report = verify_bundle(rewritten(path, "events.ndjson", change))

    assert not report.ok
    assert [(p.kind, p.version) for p in report.problems] == [("changed", 8)]
    assert report.problems[0].journey_id == str(ours[0])


def test_every_changed_byte_of_an_entry_is_found_and_named(clinic):
    """Flip bytes all along the second entry: every flip is caught, at that entry."""
    services, _, ours, _, tmp_path = clinic
    path = exported(services, ours, tmp_path)
    with zipfile.ZipFile(path) as bundle:
        lines = bundle.read("events.ndjson").splitlines(keepends=True)
    start = len(lines[0])
    for at in range(start, start + len(lines[1]) - 1, 7):

        def flip(body: bytes, at: int = at) -> bytes:
            return body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1 :]

        report = verify_bundle(rewritten(path, "events.ndjson", flip))
        assert not report.ok, f"a flip at byte {at - start} of the entry went unnoticed"
        assert any(p.version == 2 for p in report.problems), (at - start, report.problems)


def test_a_forged_checkpoint_signature_is_named(clinic):
    services, _, ours, _, tmp_path = clinic
    path = exported(services, ours, tmp_path)

    def forge(body: bytes) -> bytes:
        listing = json.loads(body)
        listing["checkpoints"][-1]["signature"] = base64.b64encode(bytes(64)).decode()
        return json.dumps(listing).encode()

    report = verify_bundle(rewritten(path, "checkpoints.json", forge))

    assert "bad_signature" in {p.kind for p in report.problems}


def test_an_entry_left_out_is_named_missing(clinic):
    services, _, ours, _, tmp_path = clinic
    path = exported(services, ours, tmp_path)

    def drop(body: bytes) -> bytes:
        lines = body.decode().splitlines()
        return ("\n".join(line for line in lines if '"version": 5' not in line) + "\n").encode()

    report = verify_bundle(rewritten(path, "events.ndjson", drop))

    assert ("missing", 5) in {(p.kind, p.version) for p in report.problems}


def test_the_cli_exports_a_clinic_and_checks_the_bundle(clinic):
    _, settings, _, _, tmp_path = clinic
    env = {
        "KAP_DATABASE_URL": settings.database_url,
        "KAP_CIPHER_KEY": settings.cipher_key or "",
        "KAP_SIGNING_KEY": settings.signing_key or "",
    }
    out = tmp_path / "clinic-a.zip"
    runner = CliRunner()

    made = runner.invoke(
        cli, ["audit", "export", "--clinic", "clinic-a", "--out", str(out)], env=env
    )
    checked = runner.invoke(cli, ["audit", "verify-bundle", str(out)], env=env)

    assert made.exit_code == 0, made.output
    assert "2 journeys" in made.output
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)["ok"] is True


def test_the_offline_verifier_imports_nothing_of_the_database_or_the_service():
    tree = ast.parse(VERIFIER.read_text())
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    allowed_prefixes = ("cryptography", "domain.audit.")
    stdlib = {
        "__future__",
        "base64",
        "json",
        "re",
        "zipfile",
        "collections",
        "collections.abc",
        "dataclasses",
        "pathlib",
        "typing",
    }
    assert {m for m in imported if m not in stdlib and not m.startswith(allowed_prefixes)} == set()
    assert not any(
        io.StringIO(m)
        .read()
        .startswith(("interface", "application", "sqlalchemy", "eventsourcing"))
        for m in imported
    )


def test_an_auditor_downloads_a_journeys_bundle_over_http_and_it_verifies(clinic):
    from fastapi.testclient import TestClient

    from interface.auth.roles import Role
    from interface.http.app import create_app

    _, settings, ours, theirs, tmp_path = clinic
    app = create_app(settings.model_copy(update={"checkpoint_every_seconds": 0}))
    with TestClient(app) as client:
        tokens = app.state.services.tokens
        auditor = {"Authorization": f"Bearer {tokens.issue(Role.AUDITOR, 'clinic-a', 'aud')}"}
        staff = {"Authorization": f"Bearer {tokens.issue(Role.STAFF, 'clinic-a', 'desk')}"}

        answer = client.get(f"/v1/audit/export?journey={ours[1]}", headers=auditor)
        refused = client.get(f"/v1/audit/export?journey={ours[1]}", headers=staff)
        hidden = client.get(f"/v1/audit/export?journey={theirs}", headers=auditor)
        log = client.get("/v1/audit/access-log", headers=auditor).json()

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    (tmp_path / "one.zip").write_bytes(answer.content)
    report = verify_bundle(tmp_path / "one.zip")
    assert report.ok, report.problems
    assert report.journeys == 1
    assert refused.status_code == 403
    assert hidden.status_code == 404
    assert any(e["action"] == "export" and e["journey_id"] == str(ours[1]) for e in log["entries"])
