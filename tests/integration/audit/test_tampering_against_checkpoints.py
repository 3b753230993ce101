"""What only a signed checkpoint can show: a cut tail, a journey removed whole, and the
log itself altered — each on SQLite and PostgreSQL, by raw SQL, protection dropped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from application.audit.chain_scan import scan_chains
from application.audit.store_check import verify_store
from application.audit.verify import ChainVerifier
from interface.audit.anchors import all_anchors, anchor_for
from interface.cli.main import app as cli
from interface.services import Services
from tests.integration.audit.intruder import Intruder, forged_seal
from tests.integration.journeys_app import open_journey, post
from tests.integration.signed import signed_settings
from tests.story import START, dosing_session, intake

STORY = intake() + dosing_session(1, START + timedelta(days=10))
LAST = 1 + len(STORY)
"""Each journey's last version: the opening, the intake and one dosing session."""


@pytest.fixture
def scene(database_url):
    settings = signed_settings(
        database_url,
        run_projections=False,
    )
    services = Services(settings)
    journeys = services.journeys
    kept = open_journey(journeys, patient_ref="MRN-KEPT")
    cut = open_journey(journeys, patient_ref="MRN-CUT")
    for journey_id in (kept, cut):
        for s in STORY:
            post(journeys, journey_id, s)
    services.checkpoints.create()
    intruder = Intruder(database_url, journeys)
    intruder.drop_protection()
    yield services, settings, kept, cut, intruder
    services.close()


def test_a_cut_tail_is_named_from_the_checkpointed_head(scene):
    services, _, _, cut, intruder = scene
    intruder.delete(cut, 9)

    result = ChainVerifier(services.journeys).verify(cut, anchor_for(services, None, cut))

    assert [(p.version, p.kind) for p in result.problems] == [(9, "cut_tail")]
    assert f"versions 9 to {LAST} are gone" in result.problems[0].detail


def test_only_the_last_entry_cut_is_named_from_the_checkpointed_head(scene):
    """One entry cut, not three: an off-by-one in the cut-tail comparison shows here."""
    services, _, kept, cut, intruder = scene
    intruder.delete(cut, LAST, LAST)

    result = ChainVerifier(services.journeys).verify(cut, anchor_for(services, None, cut))
    untouched = ChainVerifier(services.journeys).verify(kept, anchor_for(services, None, kept))

    assert [(p.version, p.kind) for p in result.problems] == [(LAST, "cut_tail")]
    assert f"versions {LAST} to {LAST} are gone" in result.problems[0].detail
    assert untouched.ok, untouched.problems


@pytest.mark.parametrize("check", ["fast", "deep"])
def test_only_the_last_entry_cut_fails_the_store_check(scene, check):
    services, _, kept, cut, intruder = scene
    intruder.delete(cut, LAST, LAST)

    run = scan_chains if check == "fast" else verify_store
    report = run(services.journeys, all_anchors(services))

    assert not report.ok
    assert [(f.journey_id, [(p.version, p.kind) for p in f.problems]) for f in report.failed] == [
        (cut, [(LAST, "cut_tail")])
    ]
    assert kept not in {f.journey_id for f in report.failed}


def test_a_journey_removed_whole_is_named(scene):
    services, _, kept, cut, intruder = scene
    intruder.delete(cut, 1)

    report = verify_store(services.journeys, all_anchors(services))

    assert not report.ok
    (failed,) = report.failed
    assert failed.journey_id == cut
    assert [p.kind for p in failed.problems] == ["journey_removed"]
    assert kept not in {f.journey_id for f in report.failed}


def test_the_signed_roots_show_the_log_was_altered(scene):
    services, _, _, cut, intruder = scene
    intruder.delete(cut, 9)

    report = services.checkpoints.verify_all(against_log=True)

    assert not report.ok
    assert [p.kind for p in report.problems] == ["log_differs"]


def test_the_cli_store_check_fails_and_names_both_findings(scene):
    _, settings, _, cut, intruder = scene
    intruder.delete(cut, 9)
    env = {
        "KAP_DATABASE_URL": settings.database_url,
        "KAP_CIPHER_KEY": settings.cipher_key or "",
        "KAP_SIGNING_KEY": settings.signing_key or "",
    }

    done = CliRunner().invoke(cli, ["audit", "verify"], env=env)

    assert done.exit_code == 1, done.output
    assert "cut_tail" in done.output
    assert "log_differs" in done.output


def test_an_untouched_store_passes_the_cli_store_check(scene):
    _, settings, _, _, _ = scene
    env = {
        "KAP_DATABASE_URL": settings.database_url,
        "KAP_CIPHER_KEY": settings.cipher_key or "",
        "KAP_SIGNING_KEY": settings.signing_key or "",
    }

    done = CliRunner().invoke(cli, ["audit", "verify"], env=env)

    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("deep", [False, True])
def test_the_cli_store_check_names_a_changed_seal_fast_or_deep(scene, deep):
    _, settings, kept, _, intruder = scene
    state, topic = intruder.row(kept, 4)
    intruder.overwrite(kept, 4, forged_seal(state, topic, hash="1" * 64))
    env = {
        "KAP_DATABASE_URL": settings.database_url,
        "KAP_CIPHER_KEY": settings.cipher_key or "",
        "KAP_SIGNING_KEY": settings.signing_key or "",
    }

    done = CliRunner().invoke(cli, ["audit", "verify", *(["--deep"] if deep else [])], env=env)

    assert done.exit_code == 1, done.output
    assert str(kept) in done.output
    assert ("changed" if deep else "broken_link") in done.output
