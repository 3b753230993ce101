"""Signed checkpoints over the real event store (SQLite and PostgreSQL): the Merkle root
over every entry's chain hash, refused once an intruder alters the signed past, served
to auditors over HTTP and made from the command line."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from typer.testing import CliRunner

from application.audit.checkpoints import CheckpointService, InconsistentLogError, journey_heads
from application.audit.leaves import leaf_hashes, leaves
from application.sealed_mapper import split_state
from domain.audit.checkpoint_format import checkpoint_message
from domain.audit.merkle import leaf_hash, root, verify_consistency, verify_inclusion
from domain.audit.stored import merkle_entry
from interface.audit.signing import SigningKey
from interface.cli.main import app as cli
from interface.storage.checkpoints import SqlCheckpointStore
from interface.storage.engine import create_sql_engine
from tests.integration.audit.intruder import Intruder, forged_seal
from tests.integration.http.conftest import running_api
from tests.integration.journeys_app import build_app, new_key, open_journey, post
from tests.story import START, dosing_session, intake

INTAKE_EVENTS = 1 + len(intake())
"""The opening and the intake's steps."""
SESSION_EVENTS = len(dosing_session(1, START))


@pytest.fixture
def scene(database_url):
    app = build_app(database_url, new_key())
    engine = create_sql_engine(database_url)
    service = CheckpointService(
        SqlCheckpointStore(engine),
        SigningKey.generate(),
        lambda upto: leaf_hashes(app, upto),
        app.log_position,
        heads=lambda after, upto: journey_heads(app, after, upto),
    )
    yield app, service, database_url
    app.close()
    engine.dispose()


def test_checkpoints_sign_the_root_over_every_chain_hash_in_log_order(scene):
    app, service, _ = scene
    assert service.create() is None, "an empty store has nothing to sign"

    first_journey = open_journey(app, "MRN-0001")
    second_journey = open_journey(app, "MRN-0002")
    for s in intake():
        post(app, first_journey, s)
    first = service.create()
    assert first.tree_size == INTAKE_EVENTS + 1
    entries = [_merkle_entry_of(app, leaf) for leaf in leaves(app)]
    assert first.root == root([leaf_hash(e) for e in entries]).hex()
    assert service.create() is None

    for s in dosing_session(1, START + timedelta(days=10)):
        post(app, first_journey, s)
    second = service.create()
    assert second.tree_size == first.tree_size + SESSION_EVENTS
    assert verify_consistency(
        first.tree_size,
        second.tree_size,
        bytes.fromhex(first.root),
        bytes.fromhex(second.root),
        [bytes.fromhex(node) for node in second.consistency_proof],
    )
    assert service.verify_all().ok

    heads = service.heads()
    last = app.recorder.select_events(first_journey)[-1]
    assert heads[first_journey].checkpoint == 2
    assert heads[first_journey].version == INTAKE_EVENTS + SESSION_EVENTS == last.originator_version
    assert (heads[second_journey].checkpoint, heads[second_journey].version) == (1, 1)

    found = service.inclusion(3)
    assert verify_inclusion(
        bytes.fromhex(found.leaf_hash),
        3,
        second.tree_size,
        [bytes.fromhex(node) for node in found.proof],
        bytes.fromhex(second.root),
    )
    assert found.entry == entries[3].hex()


def _merkle_entry_of(app, leaf):
    """A KAPSEAL2 entry's place in the tree, from its stored row: SHA-256(hash || stored)."""
    row = next(
        r
        for r in app.recorder.select_events(leaf.journey_id)
        if r.originator_version == leaf.version
    )
    seal, _ = split_state(row.state)
    assert seal.stored is not None
    return merkle_entry(bytes.fromhex(seal.hash), bytes.fromhex(seal.stored))


@pytest.fixture
def signed(scene):
    """A journey with its intake signed, one more session written since, an intruder in."""
    app, service, database_url = scene
    journey_id = open_journey(app)
    for s in intake():
        post(app, journey_id, s)
    service.create()
    for s in dosing_session(1, START + timedelta(days=10)):
        post(app, journey_id, s)
    intruder = Intruder(database_url, app)
    intruder.drop_protection()
    return app, service, journey_id, intruder


def test_a_rewritten_signed_seal_refuses_the_next_checkpoint(signed):
    """The tree covers each entry's chain hash (its seal); content rewritten under the same
    seal is the chain verifier's to catch (the digest no longer matches)."""
    _, service, journey_id, intruder = signed
    state, topic = intruder.row(journey_id, 3)
    intruder.overwrite(journey_id, 3, forged_seal(state, topic, hash="0" * 64))

    with pytest.raises(InconsistentLogError, match="checkpoint 1"):
        service.create()
    assert len(service.all()) == 1
    report = service.verify_all()
    assert [(p.checkpoint, p.kind) for p in report.problems] == [(1, "log_differs")]


def test_a_deleted_signed_entry_refuses_the_next_checkpoint(signed):
    _, service, journey_id, intruder = signed
    intruder.delete(journey_id, 2, 2)
    with pytest.raises(InconsistentLogError):
        service.create()
    assert not service.verify_all().ok


def test_a_swapped_signed_pair_refuses_the_next_checkpoint(signed):
    _, service, journey_id, intruder = signed
    intruder.swap(journey_id, 4, 5)
    with pytest.raises(InconsistentLogError):
        service.create()


def test_a_signed_tail_cut_off_is_refused_with_nothing_new(scene):
    app, service, database_url = scene
    journey_id = open_journey(app)
    for s in intake():
        post(app, journey_id, s)
    service.create()
    intruder = Intruder(database_url, app)
    intruder.drop_protection()
    intruder.delete(journey_id, INTAKE_EVENTS, INTAKE_EVENTS)
    with pytest.raises(InconsistentLogError, match="removed"):
        service.create()


def test_entries_written_after_the_last_checkpoint_are_not_judged_by_it(signed):
    _, service, journey_id, intruder = signed
    intruder.delete(journey_id, INTAKE_EVENTS + 2, INTAKE_EVENTS + 2)  # unsigned yet
    made = service.create()
    assert made.tree_size == INTAKE_EVENTS + SESSION_EVENTS - 1
    assert service.verify_all().ok, "the chain verifier, not the tree, catches this one"


# Over HTTP, and from the command line.


@pytest.fixture
def api(database_url, monkeypatch):
    monkeypatch.setenv("KAP_SIGNING_KEY", base64.b64encode(bytes(range(32))).decode())
    with running_api(database_url) as running:
        yield running


def test_auditors_read_the_public_key_and_every_checkpoint(api):
    auditor = api.headers(api.tokens["auditor"])
    empty = api.client.get("/v1/audit/checkpoints", headers=auditor)
    assert empty.status_code == 200, empty.text
    body = empty.json()
    assert body["algorithm"] == "Ed25519"
    assert body["checkpoints"] == []
    public = base64.b64decode(body["public_key"])
    assert body["key_id"] == SigningKey.parse(base64.b64encode(bytes(range(32))).decode()).key_id

    journey_id = api.journey()
    api.post_all(journey_id, intake())
    service = api.app.state.services.checkpoints
    made = service.create()
    api.post_all(journey_id, dosing_session(1, START + timedelta(days=10)))
    service.create()

    listed = api.client.get("/v1/audit/checkpoints", headers=auditor).json()["checkpoints"]
    assert [c["tree_size"] for c in listed] == [made.tree_size, made.tree_size + SESSION_EVENTS]
    # No stored consistency proof: it would lead from checkpoints the clinic may not see.
    assert set(listed[0]) == {"tree_size", "root", "signed_at", "key_id", "signature"}
    for c in listed:
        message = checkpoint_message(c["tree_size"], c["root"], c["signed_at"], c["key_id"])
        Ed25519PublicKey.from_public_bytes(public).verify(base64.b64decode(c["signature"]), message)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", listed[0]["signed_at"])

    size = listed[1]["tree_size"]
    proof = api.client.get(f"/v1/audit/checkpoints/{size}/inclusion/2", headers=auditor)
    assert proof.status_code == 200, proof.text
    found = proof.json()
    assert verify_inclusion(
        bytes.fromhex(found["leaf_hash"]),
        2,
        size,
        [bytes.fromhex(node) for node in found["proof"]],
        bytes.fromhex(listed[1]["root"]),
    )
    missing = api.client.get(f"/v1/audit/checkpoints/{size}/inclusion/{size}", headers=auditor)
    assert missing.status_code == 404


@pytest.mark.parametrize("role", ["staff", "clinic_system"])
def test_only_auditors_read_checkpoints(api, role):
    answer = api.client.get("/v1/audit/checkpoints", headers=api.headers(api.tokens[role]))
    assert answer.status_code == 403


runner = CliRunner()


def test_the_command_signs_new_events_and_says_when_there_are_none(tmp_path):
    url = f"sqlite:///{tmp_path / 'kap.db'}"
    key = new_key()
    env = {"KAP_DATABASE_URL": url, "KAP_CIPHER_KEY": key}

    nothing = runner.invoke(cli, ["audit", "checkpoint"], env=env)
    assert nothing.exit_code == 0, nothing.output
    assert "nothing to sign" in nothing.output

    app = build_app(url, key)
    journey_id = open_journey(app)
    for s in intake():
        post(app, journey_id, s)
    made = runner.invoke(cli, ["audit", "checkpoint"], env=env)
    assert made.exit_code == 0, made.output
    checkpoint = json.loads(made.output)
    assert (checkpoint["id"], checkpoint["tree_size"]) == (1, INTAKE_EVENTS)
    assert (tmp_path / "kap.db.signing-key").exists()

    again = runner.invoke(cli, ["audit", "checkpoint"], env=env)
    assert "nothing to sign" in again.output

    listed = runner.invoke(cli, ["audit", "checkpoints"], env=env)
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)["verification"]["ok"] is True

    proof = runner.invoke(cli, ["audit", "inclusion", "0"], env=env)
    assert proof.exit_code == 0, proof.output
    assert json.loads(proof.output)["tree_size"] == INTAKE_EVENTS

    for s in dosing_session(1, START + timedelta(days=10)):
        post(app, journey_id, s)
    intruder = Intruder(url, app)
    intruder.drop_protection()
    intruder.delete(journey_id, 3, 3)
    app.close()
    refused = runner.invoke(cli, ["audit", "checkpoint"], env=env)
    assert refused.exit_code == 1
    assert "checkpoint 1" in refused.output
    broken = runner.invoke(cli, ["audit", "checkpoints"], env=env)
    assert broken.exit_code == 1
