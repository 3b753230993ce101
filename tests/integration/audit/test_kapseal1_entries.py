"""Entries stored before ``stored`` existed (sealed ``KAPSEAL1``) keep verifying as they
did, next to new ``KAPSEAL2`` entries; checkpoints signed over them keep their roots.

The fixture ``fixtures/kapseal1_journey.json`` holds the stored rows of one journey as
the KAPSEAL1 code wrote them (commit c3d0124), with the (test-only) cipher key, and the
root that code computed as ``root(leaf_hashes(app))`` over them.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from typer.testing import CliRunner

from application.audit.chain_scan import scan_chains
from application.audit.leaves import leaf_hashes
from application.audit.verify import ChainVerifier
from domain.audit.merkle import root
from interface.audit.anchors import all_anchors
from interface.audit.bundle import build_bundle
from interface.audit.bundle_verifier import verify_bundle
from interface.cli.main import app as cli
from interface.services import Services
from tests.integration.audit.intruder import Intruder
from tests.integration.journeys_app import open_journey, post
from tests.integration.signed import signed_settings
from tests.story import intake

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "kapseal1_journey.json").read_text())
OLD = UUID(FIXTURE["journey_id"])


@pytest.fixture
def store(database_url):
    settings = signed_settings(
        database_url,
        cipher_key=FIXTURE["cipher_key"],
        run_projections=False,
    )
    services = Services(settings)
    services.journeys.recorder.insert_events(
        [
            StoredEvent(
                originator_id=OLD,
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes.fromhex(row["state"]),
            )
            for row in FIXTURE["rows"]
        ]
    )
    yield services, settings
    services.close()


def with_a_new_journey(services) -> UUID:
    new = open_journey(services.journeys, patient_ref="MRN-NEW")
    for s in intake():
        post(services.journeys, new, s)
    return new


def test_the_fixture_is_sealed_kapseal1_and_keeps_its_merkle_root(store):
    services, _ = store
    rows = services.journeys.recorder.select_events(OLD)
    assert len(rows) == len(FIXTURE["rows"]) == 6
    assert all(r.state.startswith(b"KAPSEAL1") for r in rows)

    assert root(leaf_hashes(services.journeys)).hex() == FIXTURE["root_over_these_rows"]


def test_kapseal1_entries_verify_plain_and_deep_next_to_kapseal2_ones(store):
    services, settings = store
    new = with_a_new_journey(services)
    assert services.journeys.recorder.select_events(new)[0].state.startswith(b"KAPSEAL2")
    services.checkpoints.create()

    assert scan_chains(services.journeys, all_anchors(services)).ok
    assert ChainVerifier(services.journeys).verify(OLD).ok
    env = {
        "KAP_DATABASE_URL": settings.database_url,
        "KAP_CIPHER_KEY": settings.cipher_key or "",
        "KAP_SIGNING_KEY": settings.signing_key or "",
    }
    for deep in ([], ["--deep"]):
        done = CliRunner().invoke(cli, ["audit", "verify", *deep], env=env)
        assert done.exit_code == 0, done.output


def test_a_bundle_of_kapseal1_and_kapseal2_entries_verifies_offline(store, tmp_path):
    services, _ = store
    new = with_a_new_journey(services)
    path = tmp_path / "bundle.zip"
    path.write_bytes(build_bundle(services, [OLD, new], {"clinic_id": "clinic-a"}))

    report = verify_bundle(path)

    assert report.problems == []
    assert report.events_checked == 12
    with zipfile.ZipFile(path) as bundle:
        lines = [json.loads(line) for line in bundle.read("events.ndjson").splitlines()]
    assert {line["journey_id"]: line["stored"] is None for line in lines} == {
        str(OLD): True,
        str(new): False,
    }


def test_a_changed_kapseal1_body_is_still_caught_deep(store, database_url):
    """What a KAPSEAL1 seal never covered (its ciphertext) stays the deep check's to catch."""
    services, _ = store
    intruder = Intruder(database_url, services.journeys)
    intruder.drop_protection()
    state, _ = intruder.row(OLD, 3)
    intruder.overwrite(OLD, 3, state[:-1] + bytes([state[-1] ^ 1]))

    assert scan_chains(services.journeys, {}).ok
    problems = ChainVerifier(services.journeys).verify(OLD).problems
    assert [(p.version, p.kind) for p in problems] == [(3, "changed")]
