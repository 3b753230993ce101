"""The plain (fast) verify catches any changed stored byte of an entry, without
decrypting: its topic, any byte of its seal in the clear, any byte of its encrypted
body. Each on SQLite and PostgreSQL, by raw SQL, the append-only triggers dropped."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from application.audit.chain_scan import scan_chains
from interface.audit.anchors import all_anchors
from interface.cli.main import app as cli
from interface.services import Services
from tests.integration.audit.intruder import Intruder, forged_seal
from tests.integration.journeys_app import open_journey, post
from tests.integration.signed import signed_settings
from tests.story import START, dosing_session, intake

STORY = intake() + dosing_session(1, START + timedelta(days=10))
LAST = 1 + len(STORY)
"""The last entry's version: the opening, the intake, one dosing session with integration."""


@pytest.fixture
def scene(database_url):
    settings = signed_settings(
        database_url,
        run_projections=False,
    )
    services = Services(settings)
    kept = open_journey(services.journeys, patient_ref="MRN-KEPT")
    altered = open_journey(services.journeys, patient_ref="MRN-ALTERED")
    for journey_id in (kept, altered):
        for s in STORY:
            post(services.journeys, journey_id, s)
    services.checkpoints.create()
    intruder = Intruder(database_url, services.journeys)
    intruder.drop_protection()
    yield services, settings, kept, altered, intruder
    services.close()


def flipped(state: bytes, at: int) -> bytes:
    return state[:at] + bytes([state[at] ^ 0x01]) + state[at + 1 :]


def plain_verify(settings):
    env = {
        "KAP_DATABASE_URL": settings.database_url,
        "KAP_CIPHER_KEY": settings.cipher_key or "",
        "KAP_SIGNING_KEY": settings.signing_key or "",
    }
    done = CliRunner().invoke(cli, ["audit", "verify"], env=env)
    return done, json.loads(done.stdout)


def named(report, journey_id):
    """(version, kind) of every problem the plain verify named for the journey."""
    return [
        (p["version"], p["kind"])
        for failed in report["chains"]["failed"]
        if failed["journey_id"] == str(journey_id)
        for p in failed["problems"]
    ]


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_flipped_byte_of_the_encrypted_body_fails_the_plain_verify(scene, where):
    _, settings, kept, altered, intruder = scene
    state, _ = intruder.row(altered, 5)
    body = state.index(b"\n") + 1
    at = {"first": body, "middle": (body + len(state)) // 2, "last": len(state) - 1}[where]
    intruder.overwrite(altered, 5, flipped(state, at))

    done, report = plain_verify(settings)

    assert done.exit_code == 1, done.output
    assert named(report, altered) == [(5, "stored_bytes_changed")]
    assert named(report, kept) == []


def test_a_changed_topic_fails_the_plain_verify(scene):
    _, settings, _, altered, intruder = scene
    _, other_topic = intruder.row(altered, 2)
    state, topic = intruder.row(altered, 6)
    assert other_topic != topic
    intruder.overwrite(altered, 6, state, other_topic)

    done, report = plain_verify(settings)

    assert done.exit_code == 1, done.output
    assert named(report, altered) == [(6, "stored_bytes_changed")]


def test_an_untouched_store_passes_the_plain_verify(scene):
    _, settings, _, _, _ = scene
    done, report = plain_verify(settings)
    assert done.exit_code == 0, done.output
    assert report["chains"]["ok"] is True


def test_every_changed_byte_of_the_last_entry_is_named(scene):
    """Every byte of the last entry's seal in the clear, and bytes all along its
    ciphertext, flipped in turn: the plain scan names that entry each time — also where
    no later link and no checkpoint would show a changed seal."""
    services, _, _, altered, intruder = scene
    original, _ = intruder.row(altered, LAST)
    body = original.index(b"\n") + 1
    for at in [*range(body), *range(body, len(original), 5), len(original) - 1]:
        intruder.overwrite(altered, LAST, flipped(original, at))
        scan = scan_chains(services.journeys, all_anchors(services))
        found = [(p.version, p.kind) for f in scan.failed for p in f.problems]
        assert found, f"a flip at byte {at} went unnoticed"
        assert {version for version, _ in found} == {LAST}, (at, found)
    intruder.overwrite(altered, LAST, original)
    assert scan_chains(services.journeys, all_anchors(services)).ok


def test_bytes_resealed_by_the_intruder_are_caught_by_the_signed_roots(scene):
    """An intruder who recomputes ``stored`` over the changed ciphertext leaves a row that
    reads as written; but the Merkle leaf of a KAPSEAL2 entry is SHA-256(hash || stored),
    so the signed checkpoint no longer matches the log."""
    _, settings, _, altered, intruder = scene
    state, topic = intruder.row(altered, 5)
    body = state.index(b"\n") + 1
    intruder.overwrite(altered, 5, forged_seal(flipped(state, body), topic))

    done, report = plain_verify(settings)

    assert report["chains"]["ok"] is True, "the row alone is consistent again"
    assert done.exit_code == 1, done.output
    assert [p["kind"] for p in report["checkpoints"]["problems"]] == ["log_differs"]
