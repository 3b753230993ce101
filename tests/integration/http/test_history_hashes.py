"""Each history entry carries its seal's chain hash (EVENTS.md), the one stored with it:
an integrator ties what it read to the verifiable history without the audit bundle."""

from __future__ import annotations

import re
from uuid import UUID

from application.sealed_mapper import readable_seal
from tests.integration.http.conftest import Api
from tests.story import intake


def test_every_history_entry_names_its_stored_seal_hash(api: Api) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, intake()[:3])

    events = api.history(journey_id)

    stored = api.app.state.services.journeys.recorder.select_events(UUID(journey_id))
    seals = {s.originator_version: readable_seal(s.state) for s in stored}
    assert [e["version"] for e in events] == [1, 2, 3, 4]
    for event in events:
        assert re.fullmatch(r"[0-9a-f]{64}", event["hash"]), event
        assert event["hash"] == seals[event["version"]].hash
    assert len({e["hash"] for e in events}) == 4
