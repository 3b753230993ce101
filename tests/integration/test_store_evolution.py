"""Events stored by an earlier shape of their class still load (upcasting)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from application.audit.verify import ChainVerifier
from application.errors import JourneyDamagedError
from application.journeys import Journeys
from domain.journey import UNATTRIBUTED_SOURCE, Journey
from domain.journey_facts import stored_facts
from tests.integration.journeys_app import (
    CLINIC,
    build_app,
    new_key,
    open_journey,
    post,
    posting,
)
from tests.story import START, intake


def store_as_version_1(app: Journeys, event: Journey.Event) -> None:
    """Write ``event`` as it was stored before ``source`` existed (class version 1)."""
    mapper = app.mapper
    state = {
        k: v
        for k, v in vars(event).items()
        if k not in ("source", "originator_id", "originator_version")
    }
    encrypted = mapper.cipher.encrypt(mapper.compressor.compress(mapper.transcoder.encode(state)))
    app.recorder.insert_events(
        [
            StoredEvent(
                event.originator_id, event.originator_version, get_topic(type(event)), encrypted
            )
        ]
    )


def test_an_entry_stored_before_source_existed_loads_as_unattributed(database_url):
    app = build_app(database_url, new_key())
    journey_id = open_journey(app)
    journey = app.repository.get(journey_id)
    consultation = intake()[0]
    journey.complete_consultation(
        consultation.data, posting(consultation.occurred_at, role=consultation.role)
    )
    (event,) = journey.collect_events()
    store_as_version_1(app, event)

    history = app.history(CLINIC, journey_id)
    assert history[-1].type == "ConsultationCompleted"
    assert history[-1].source == UNATTRIBUTED_SOURCE
    status = app.status(CLINIC, journey_id, now=START + timedelta(hours=2))
    assert status.stage == "consulted"
    app.close()


# A journey's snapshot stores its facts as they stand, so ``JourneyFacts`` is a stored
# shape, counted by ``Journey.class_version`` (3 since the diagnoses; real version-1 and
# version-2 snapshots, written by the code of the day, load in ``test_snapshot_v1`` and
# ``test_snapshot_v2``). These tests suppose a future version 4 renames a fact: they
# hand-write a snapshot as version 3 would then have stored it (its facts naming
# ``concerns`` what version 4 calls ``presenting_concerns``), and load it with and
# without the upcaster version 4 needs.

OLD_NAME = b'"concerns"'
TODAY = 3
"""``Journey.class_version`` today: what a snapshot written now carries."""


def store_old_snapshot(app: Journeys, journey_id: UUID) -> None:
    """Snapshot the journey as a version-3 ``JourneyFacts`` with ``concerns`` stored it."""
    journey = app.repository.get(journey_id)
    snapshot = Journey.Snapshot.take(journey)
    assert snapshot.state["class_version"] == TODAY
    mapper = app.mapper
    body = mapper.transcoder.encode({**vars(snapshot), "originator_id": None})
    assert body.count(b'"presenting_concerns"') == 1
    body = body.replace(b'"presenting_concerns"', OLD_NAME)
    state = mapper.transcoder.decode(body)
    state.pop("originator_id")
    del state["originator_version"]
    encoded = mapper.transcoder.encode(state)
    assert OLD_NAME in encoded
    assert app.snapshots is not None
    app.snapshots.recorder.insert_events(
        [
            StoredEvent(
                journey_id,
                journey.version,
                get_topic(Journey.Snapshot),
                mapper.cipher.encrypt(mapper.compressor.compress(encoded)),
            )
        ]
    )


def renamed_concerns(state: dict[str, Any]) -> None:
    facts = stored_facts(state)
    facts["presenting_concerns"] = facts.pop("concerns")


@pytest.fixture
def journey_with_old_snapshot(database_url):
    app = build_app(database_url, new_key())
    journey_id = open_journey(app)
    for s in intake():
        post(app, journey_id, s)
    now = START + timedelta(days=5)
    expected = app.status(CLINIC, journey_id, now=now)
    store_old_snapshot(app, journey_id)
    yield app, journey_id, expected, now
    app.close()


def spy_on_earlier_upcasts(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every state the real ``upcast_v1_v2`` and ``upcast_v2_v3`` reshape (they still do
    their work)."""
    seen: list[dict[str, Any]] = []
    for name in ("upcast_v1_v2", "upcast_v2_v3"):
        real = getattr(Journey, name)

        def spy(state: dict[str, Any], real: Any = real) -> None:
            seen.append(state)
            real(state)

        monkeypatch.setattr(Journey, name, staticmethod(spy))
    return seen


def test_an_old_snapshot_loads_through_the_journeys_upcaster(
    journey_with_old_snapshot, monkeypatch
):
    app, journey_id, expected, now = journey_with_old_snapshot
    upcast: list[dict[str, Any]] = []

    def upcast_v3_v4(state: dict[str, Any]) -> None:
        upcast.append(state)
        renamed_concerns(state)

    monkeypatch.setattr(Journey, "class_version", TODAY + 1)
    monkeypatch.setattr(Journey, "upcast_v3_v4", staticmethod(upcast_v3_v4), raising=False)
    earlier = spy_on_earlier_upcasts(monkeypatch)

    status = app.status(CLINIC, journey_id, now=now)

    assert len(upcast) == 1  # loaded from the snapshot, once
    assert earlier == []  # stored at version 3: no earlier step is taken again
    assert status == expected
    journey = app.repository.get(journey_id)
    assert journey.facts.presenting_concerns == ["treatment_resistant_depression"]


def test_an_old_snapshot_without_its_upcaster_is_damaged_not_an_error(journey_with_old_snapshot):
    """At class version 3 (today) nothing reshapes it: the journey reads as damaged (as
    any entry that no longer fits), never as an unexplained failure."""
    app, journey_id, _, now = journey_with_old_snapshot

    with pytest.raises(JourneyDamagedError):
        app.status(CLINIC, journey_id, now=now)


def test_a_snapshot_written_today_carries_todays_version_and_needs_no_upcaster(
    database_url, monkeypatch
):
    app = build_app(database_url, new_key())
    journey_id = open_journey(app, protocol="spravato-rems")
    for s in intake(route="intranasal"):
        post(app, journey_id, s)
    snapshot = Journey.Snapshot.take(app.repository.get(journey_id))
    upcast = spy_on_earlier_upcasts(monkeypatch)

    assert Journey.class_version == TODAY
    assert snapshot.state["class_version"] == TODAY
    assert snapshot.mutate(None).facts == app.repository.get(journey_id).facts  # type: ignore[attr-defined]
    assert upcast == []
    app.close()


def consent_form_renamed_at_v4(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hypothetical payload change: ConsentSigned's ``form`` renamed ``form_name`` at
    version 4, with the upcaster its version-3 entries need."""

    def upcast_v3_v4(state: dict[str, Any]) -> None:
        state["data"] = {**state["data"], "form_name": state["data"]["form"]}
        del state["data"]["form"]

    monkeypatch.setattr(Journey.ConsentSigned, "class_version", 4)
    monkeypatch.setattr(
        Journey.ConsentSigned, "upcast_v3_v4", staticmethod(upcast_v3_v4), raising=False
    )


def test_a_payload_change_bumps_its_own_event_class_and_upcasts_its_old_entries(
    database_url, monkeypatch
):
    """Were ConsentSigned's ``form`` renamed ``form_name`` at version 4, its entries stored
    at version 3 would load renamed, and no other event class would change version."""
    app = build_app(database_url, new_key())
    journey_id = open_journey(app)
    for s in intake():
        post(app, journey_id, s)

    consent_form_renamed_at_v4(monkeypatch)

    (consent,) = [h for h in app.history(CLINIC, journey_id) if h.type == "ConsentSigned"]
    assert "form" not in consent.data
    assert consent.data["form_name"] == intake()[3].data["form"]
    assert Journey.ConsentWithdrawn.class_version == 3
    assert app.status(CLINIC, journey_id, now=START + timedelta(days=5)).stage == "prepared"
    app.close()


def test_entries_upcast_to_a_new_payload_version_still_verify(database_url, monkeypatch):
    app = build_app(database_url, new_key())
    journey_id = open_journey(app)
    for s in intake():
        post(app, journey_id, s)

    consent_form_renamed_at_v4(monkeypatch)

    verification = ChainVerifier(app).verify(journey_id)
    app.close()
    assert verification.ok, verification.problems
