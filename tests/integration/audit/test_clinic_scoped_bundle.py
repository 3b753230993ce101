"""A clinic's evidence bundle carries only the signed checkpoints that clinic may see (the
ones that recorded its own journeys, as the checkpoint listing shows it) and the one
signed for the export, each proven consistent with the one before it in the bundle: it
no longer tells the store's growth between them. It still verifies offline."""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from application.answers import NewEntry
from application.audit.clinic_checkpoints import public_listing
from domain.audit.merkle import verify_consistency
from interface.audit.bundle import FORMAT, build_bundle
from interface.audit.bundle_verifier import verify_bundle
from interface.auth.roles import Role
from interface.cli.main import app as cli
from interface.http.app import create_app
from interface.services import Services
from tests.integration.audit.intruder import Intruder
from tests.integration.journeys_app import open_journey, post, posting
from tests.integration.signed import signed_settings
from tests.story import intake

A_SIZES = [1, 7, 9, 11, 12]
"""The checkpoints that recorded a clinic-a journey, the last one the export's own."""
B_SIZES = [2, 9, 12]
"""Those that recorded a clinic-b journey (2 and 9), and the export's own (12): never 1,
7 or 11, which recorded clinic-a's writes only."""


def write_b(services: Services, journey_id, step) -> None:
    services.journeys.append(
        "clinic-b",
        journey_id,
        NewEntry(step.type, step.data),
        posting(step.occurred_at, role=step.role),
    )


@pytest.fixture
def store(database_url, tmp_path):
    """clinic-a and clinic-b writing interleaved, with a checkpoint signed after each turn:

    size  1  a opens                        recorded: a
    size  2  b opens                        recorded: b
    size  7  a writes its intake            recorded: a
    size  9  b writes one entry, a one      recorded: a, b
    size 11  a writes two entries           recorded: a
    size 12  a writes one more (signed by the first export)
    """
    settings = signed_settings(
        database_url,
        run_projections=False,
        checkpoint_every_seconds=0,
    )
    services = Services(settings)
    checkpoints = services.checkpoints
    steps = intake()
    a = open_journey(services.journeys, patient_ref="MRN-A")
    checkpoints.create()
    b = open_journey(services.journeys, patient_ref="MRN-B", clinic="clinic-b")
    checkpoints.create()
    for s in steps:
        post(services.journeys, a, s)
    checkpoints.create()
    write_b(services, b, steps[0])
    post(services.journeys, a, steps[0])
    checkpoints.create()
    for s in steps[1:3]:
        post(services.journeys, a, s)
    checkpoints.create()
    post(services.journeys, a, steps[3])
    yield services, settings, a, b, tmp_path
    services.close()


def files_of(bundle: bytes | Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle if isinstance(bundle, Path) else io.BytesIO(bundle)) as z:
        return {name: z.read(name) for name in z.namelist()}


def sizes(files: dict[str, bytes]) -> list[int]:
    return [c["tree_size"] for c in json.loads(files["checkpoints.json"])["checkpoints"]]


def write(tmp_path: Path, files: dict[str, bytes], name: str = "bundle.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as bundle:
        for n, body in files.items():
            bundle.writestr(n, body)
    return path


def test_a_clinics_bundle_holds_only_the_checkpoints_it_may_see(store):
    services, _, a, b, _ = store

    theirs = files_of(build_bundle(services, [b], {"clinic_id": "clinic-b"}))
    ours = files_of(build_bundle(services, [a], {"clinic_id": "clinic-a"}))

    assert sizes(theirs) == B_SIZES
    assert sizes(ours) == A_SIZES
    listed = public_listing(services.checkpoints)["checkpoints"]
    assert [c["tree_size"] for c in listed] == [1, 2, 7, 9, 11, 12]
    assert json.loads(theirs["manifest.json"])["format"] == FORMAT == "kap-journeys-evidence/3"
    assert json.loads(theirs["proofs.json"])["tree_size"] == 12


def test_each_included_checkpoint_is_proven_consistent_with_the_one_before_it(store):
    services, _, _, b, _ = store
    listed = json.loads(
        files_of(build_bundle(services, [b], {"clinic_id": "clinic-b"}))["checkpoints.json"]
    )["checkpoints"]

    assert listed[0]["consistency_proof"] == []  # nothing before it in the bundle
    for before, after in itertools.pairwise(listed):
        assert verify_consistency(
            before["tree_size"],
            after["tree_size"],
            bytes.fromhex(before["root"]),
            bytes.fromhex(after["root"]),
            [bytes.fromhex(h) for h in after["consistency_proof"]],
        ), (before["tree_size"], after["tree_size"])


def test_a_clinics_bundle_verifies_offline(store):
    services, _, _, b, tmp_path = store
    path = tmp_path / "b.zip"
    path.write_bytes(build_bundle(services, [b], {"clinic_id": "clinic-b"}))

    report = verify_bundle(path)

    assert report.problems == []
    assert report.ok
    assert report.checkpoints == len(B_SIZES)
    assert report.events_checked == 2


def test_an_export_that_signs_nothing_new_still_carries_the_latest_checkpoint(store):
    """The second export finds nothing new to sign: its proofs are against the latest
    checkpoint, which recorded clinic-a only, and that one is in clinic-b's bundle."""
    services, _, _, b, tmp_path = store
    build_bundle(services, [b], {"clinic_id": "clinic-b"})
    path = tmp_path / "again.zip"
    path.write_bytes(build_bundle(services, [b], {"clinic_id": "clinic-b"}))

    assert sizes(files_of(path)) == B_SIZES
    assert verify_bundle(path).ok


def test_a_forged_consistency_proof_between_included_checkpoints_is_named(store):
    services, _, _, b, tmp_path = store
    files = files_of(build_bundle(services, [b], {"clinic_id": "clinic-b"}))
    listing = json.loads(files["checkpoints.json"])
    listing["checkpoints"][1]["consistency_proof"][0] = "00" * 32
    files["checkpoints.json"] = json.dumps(listing).encode()

    report = verify_bundle(write(tmp_path, files))

    assert [p.kind for p in report.problems] == ["inconsistent"]
    assert "of 9 entries does not extend the one of 2" in report.problems[0].detail


def test_flipping_a_byte_of_an_entry_still_fails_naming_it(store):
    services, _, _, b, tmp_path = store
    files = files_of(build_bundle(services, [b], {"clinic_id": "clinic-b"}))
    lines = files["events.ndjson"].split(b"\n")
    at = lines[1].index(b'"dose') if b'"dose' in lines[1] else len(lines[1]) // 2
    lines[1] = lines[1][:at] + bytes([lines[1][at] ^ 0x01]) + lines[1][at + 1 :]
    files["events.ndjson"] = b"\n".join(lines)

    report = verify_bundle(write(tmp_path, files))

    assert not report.ok
    assert {(p.journey_id, p.version) for p in report.problems} == {(str(b), 2)}


def test_the_operators_export_for_a_clinic_applies_the_same_rule(store):
    _, settings, _, _, tmp_path = store
    env = {
        "KAP_DATABASE_URL": settings.database_url,
        "KAP_CIPHER_KEY": settings.cipher_key or "",
        "KAP_SIGNING_KEY": settings.signing_key or "",
    }
    out = tmp_path / "clinic-b.zip"

    made = CliRunner().invoke(
        cli, ["audit", "export", "--clinic", "clinic-b", "--out", str(out)], env=env
    )
    checked = CliRunner().invoke(cli, ["audit", "verify-bundle", str(out)], env=env)

    assert made.exit_code == 0, made.output
    assert sizes(files_of(out)) == B_SIZES
    assert checked.exit_code == 0, checked.output


def test_a_clinic_auditors_download_applies_the_same_rule(store):
    _, settings, _, b, tmp_path = store
    app = create_app(settings)
    with TestClient(app) as client:
        token = app.state.services.tokens.issue(Role.AUDITOR, "clinic-b", "audit-b")
        answer = client.get(
            f"/v1/audit/export?journey={b}", headers={"Authorization": f"Bearer {token}"}
        )

    assert answer.status_code == 200, answer.text
    path = tmp_path / "download.zip"
    path.write_bytes(answer.content)
    assert sizes(files_of(path)) == B_SIZES
    assert verify_bundle(path).ok


def test_a_store_altered_under_its_checkpoints_still_exports_and_the_bundle_says_so(
    store, database_url
):
    """Another clinic's entry removed from the signed log: no new checkpoint can be
    signed over it, so the bundle is proven against the last one signed, and its check
    names what no longer holds (before: a 500, and a traceback from the CLI)."""
    services, settings, a, b, tmp_path = store
    intruder = Intruder(database_url, services.journeys)
    intruder.drop_protection()
    intruder.delete(a, 3, 3)
    app = create_app(settings)
    with TestClient(app) as client:
        token = app.state.services.tokens.issue(Role.AUDITOR, "clinic-b", "audit-b")
        answer = client.get(
            f"/v1/audit/export?journey={b}", headers={"Authorization": f"Bearer {token}"}
        )

    assert answer.status_code == 200, answer.text
    path = tmp_path / "altered.zip"
    path.write_bytes(answer.content)
    report = verify_bundle(path)
    assert not report.ok
    assert "inconsistent" in {p.kind for p in report.problems}
    assert sizes(files_of(path)) == [2, 9, 11]  # the last one signed: recorded clinic-a only
    out = tmp_path / "operator.zip"
    env = {
        "KAP_DATABASE_URL": settings.database_url,
        "KAP_CIPHER_KEY": settings.cipher_key or "",
        "KAP_SIGNING_KEY": settings.signing_key or "",
    }
    made = CliRunner().invoke(
        cli, ["audit", "export", "--clinic", "clinic-b", "--out", str(out)], env=env
    )
    checked = CliRunner().invoke(cli, ["audit", "verify-bundle", str(out)])
    assert made.exit_code == 0, made.output
    assert checked.exit_code == 1, checked.output
