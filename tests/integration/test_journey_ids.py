"""Journey ids are keyed: nobody without the deployment's key can test a guessed patient
ref against an id. Journeys stored under the old unkeyed uuid5 ids keep them and are
still found, by a retried opening too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from application.answers import OpenJourney
from application.errors import JourneyAlreadyOpenError
from application.journey_ids import MissingIdKeyError, id_key_from_cipher_key
from application.journeys import Journeys, salted
from domain.identity import journey_id_for, legacy_journey_id
from domain.journey import Journey
from domain.protocols import profile_named
from interface.storage.environment import store_environment
from tests.integration.journeys_app import CLINIC, build_app, new_key, posting
from tests.story import START

OPENING = OpenJourney("MRN-0042", 1, "kap-standard", "dr-lee", ["treatment_resistant_depression"])


@pytest.fixture
def key() -> str:
    return new_key()


@pytest.fixture
def app(database_url: str, key: str) -> Iterator[Journeys]:
    journeys = build_app(database_url, key)
    yield journeys
    journeys.close()


def open_the_old_way(app: Journeys, command: OpenJourney = OPENING) -> None:
    """Store a journey exactly as before keyed ids: under the unkeyed uuid5 of its names."""
    journey = Journey.open(
        journey_id=legacy_journey_id(CLINIC, command.patient_ref, command.episode),
        clinic_id=CLINIC,
        patient_ref=command.patient_ref,
        episode=command.episode,
        profile=profile_named(command.protocol),
        primary_clinician=command.primary_clinician,
        presenting_concerns=list(command.presenting_concerns),
        posting=salted(posting(START)),
    )
    app.save(journey)


def stored_events(app: Journeys) -> int:
    return app.log_position()


def test_a_new_journeys_id_is_keyed_not_the_guessable_uuid5(app):
    opened = app.open_journey(CLINIC, OPENING, posting(START))

    assert opened.journey_id != legacy_journey_id(CLINIC, "MRN-0042", 1)
    assert opened.journey_id == journey_id_for(app.id_key, CLINIC, "MRN-0042", 1)
    assert opened.journey_id.version == 8
    assert opened.journey_id.variant == "specified in RFC 4122"


def test_a_retried_opening_gives_the_same_id_and_stores_nothing(app):
    first = app.open_journey(CLINIC, OPENING, posting(START))
    events = stored_events(app)

    again = app.open_journey(CLINIC, OPENING, posting(START))

    assert (again.journey_id, again.version, again.replayed) == (first.journey_id, 1, True)
    assert stored_events(app) == events


def test_another_key_gives_other_ids(database_url, key):
    ours = Journeys(env=store_environment(database_url, key))
    theirs = Journeys(env=store_environment(database_url, new_key()))
    again = build_app(database_url, key)
    try:
        assert ours.id_key != theirs.id_key
        assert ours.journey_id_for(CLINIC, "MRN-0042", 1) != theirs.journey_id_for(
            CLINIC, "MRN-0042", 1
        )
        assert ours.journey_id_for(CLINIC, "MRN-0042", 1) == again.journey_id_for(
            CLINIC, "MRN-0042", 1
        )
    finally:
        for app in (ours, theirs, again):
            app.close()


def test_every_part_of_the_name_changes_the_id():
    key = bytes(range(32))
    ids = {
        journey_id_for(key, "clinic-a", "MRN-1", 1),
        journey_id_for(key, "clinic-b", "MRN-1", 1),
        journey_id_for(key, "clinic-a", "MRN-2", 1),
        journey_id_for(key, "clinic-a", "MRN-1", 2),
        # The separator of the old scheme cannot make two names collide.
        journey_id_for(key, "clinic-a\x1fMRN-1", "", 1),
    }
    assert len(ids) == 5


def test_a_journey_stored_under_its_old_id_is_found_by_a_retried_opening(app):
    open_the_old_way(app)
    events = stored_events(app)

    again = app.open_journey(CLINIC, OPENING, posting(START))

    old_id = legacy_journey_id(CLINIC, "MRN-0042", 1)
    assert (again.journey_id, again.version, again.replayed) == (old_id, 1, True)
    assert stored_events(app) == events  # no second journey under a keyed id
    assert app.journey_id_for(CLINIC, "MRN-0042", 1) == old_id
    assert app.status(CLINIC, old_id).version == 1


def test_a_different_opening_of_an_old_id_journey_is_still_a_conflict(app):
    open_the_old_way(app)
    events = stored_events(app)
    changed = OpenJourney("MRN-0042", 1, "kap-standard", "dr-kim", ["ptsd"])

    with pytest.raises(JourneyAlreadyOpenError):
        app.open_journey(CLINIC, changed, posting(START))

    assert stored_events(app) == events


def test_an_old_id_journeys_next_episode_gets_a_keyed_id(app):
    open_the_old_way(app)

    second = app.open_journey(
        CLINIC, OpenJourney("MRN-0042", 2, "kap-standard", "dr-lee", ["ptsd"]), posting(START)
    )

    assert not second.replayed
    assert second.journey_id == journey_id_for(app.id_key, CLINIC, "MRN-0042", 2)


def test_the_id_key_is_a_fixed_subkey_of_the_cipher_key():
    cipher_key = new_key()

    assert id_key_from_cipher_key(cipher_key) == id_key_from_cipher_key(cipher_key)
    assert id_key_from_cipher_key(cipher_key) != id_key_from_cipher_key(new_key())
    assert len(id_key_from_cipher_key(cipher_key)) == 32
    assert id_key_from_cipher_key(cipher_key) not in cipher_key.encode()


def test_without_a_key_journeys_cannot_be_named(tmp_path):
    env = store_environment(f"sqlite:///{tmp_path / 'kap.db'}", "")
    env.pop("CIPHER_TOPIC")
    env.pop("CIPHER_KEY")

    with pytest.raises(MissingIdKeyError, match="CIPHER_KEY"):
        Journeys(env=env)


def test_a_short_id_key_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        journey_id_for(bytes(31), CLINIC, "MRN-0042", 1)
