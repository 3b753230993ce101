"""Events stored by an earlier shape of their class still load (upcasting)."""

from __future__ import annotations

from datetime import timedelta

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from application.journeys import Journeys
from domain.journey import UNATTRIBUTED_SOURCE, Journey
from tests.integration.journeys_app import CLINIC, build_app, new_key, open_journey, posting
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
    journey.complete_consultation(consultation.data, posting(consultation.occurred_at))
    (event,) = journey.collect_events()
    store_as_version_1(app, event)

    history = app.history(CLINIC, journey_id)
    assert history[-1].type == "ConsultationCompleted"
    assert history[-1].source == UNATTRIBUTED_SOURCE
    status = app.status(CLINIC, journey_id, now=START + timedelta(hours=2))
    assert status.stage == "consulted"
    app.close()
