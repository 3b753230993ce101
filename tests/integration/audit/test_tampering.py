"""An intruder alters the stored events directly; verification names exactly what broke.

Each case runs on SQLite and PostgreSQL, with raw SQL, after dropping the append-only
triggers as an intruder with database access would.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.audit.verify import ChainVerifier
from tests.integration.audit.intruder import Intruder, forged_seal
from tests.integration.journeys_app import build_app, new_key, open_journey, post
from tests.story import START, dosing_session, intake

STORY = intake() + dosing_session(1, START + timedelta(days=10))
VERSIONS = 1 + len(STORY)
"""The opening, the intake and one dosing session with integration."""
DOSE = 2 + next(i for i, s in enumerate(STORY) if s.type == "KetamineAdministered")


@pytest.fixture
def scene(database_url):
    app = build_app(database_url, new_key())
    journey_id = open_journey(app)
    for s in STORY:
        post(app, journey_id, s)
    intruder = Intruder(database_url, app)
    intruder.drop_protection()
    yield app, journey_id, intruder
    app.close()


def problems(app, journey_id):
    result = ChainVerifier(app).verify(journey_id)
    return [(p.version, p.kind) for p in result.problems], result


def test_an_untouched_journey_verifies(scene):
    app, journey_id, _ = scene
    found, result = problems(app, journey_id)
    assert found == []
    assert result.ok
    assert result.events_checked == VERSIONS


def test_a_flipped_byte_names_the_changed_entry(scene):
    app, journey_id, intruder = scene
    state, _ = intruder.row(journey_id, 5)
    intruder.overwrite(journey_id, 5, state[:-3] + bytes([state[-3] ^ 1]) + state[-2:])

    assert problems(app, journey_id)[0] == [(5, "stored_bytes_changed")]


def test_content_rewritten_with_the_key_names_the_changed_entry(scene):
    """An insider holding the cipher key re-encrypts altered content, keeping the seal."""
    app, journey_id, intruder = scene
    stored = next(e for e in app.recorder.select_events(journey_id) if e.originator_version == DOSE)
    event = app.mapper.to_domain_event(stored)
    event.data["dose_mg"] = 20.0  # the dose on record, made smaller
    rewritten = app.mapper.to_stored_event(event)
    intruder.overwrite(journey_id, DOSE, rewritten.state)

    found, result = problems(app, journey_id)
    assert found == [(DOSE, "changed")]
    assert "digest" in result.problems[0].detail


def test_a_rewritten_seal_names_the_entry(scene):
    app, journey_id, intruder = scene
    state, topic = intruder.row(journey_id, 4)
    intruder.overwrite(journey_id, 4, forged_seal(state, topic, hash="0" * 64))

    assert problems(app, journey_id)[0] == [(4, "changed")]


def test_a_deleted_entry_is_named_missing(scene):
    app, journey_id, intruder = scene
    intruder.delete(journey_id, 6, 6)

    found, result = problems(app, journey_id)
    assert found == [(6, "missing")]
    assert result.events_checked == VERSIONS - 1


def test_a_swapped_pair_is_named_reordered(scene):
    app, journey_id, intruder = scene
    intruder.swap(journey_id, 7, 8)

    assert problems(app, journey_id)[0] == [(7, "reordered"), (8, "reordered")]
