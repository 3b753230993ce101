"""Journey snapshots stored by ``Journey`` version 2 load through ``upcast_v2_v3``, as their replay.

``fixtures/snapshot_v2.json`` was written by the code before the consultation's
diagnoses (see ``fixtures/write_snapshot_v2.py``): a ``kap-standard`` journey under
2027-1 with its intake, a corrected consultation and three doses; its stored rows; and
snapshots just after the consultation and after the last entry. Today's ``Journey``
(class version 3) loads each through ``upcast_v2_v3`` alone into exactly the journey a
replay of the same entries gives, with no diagnoses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from application.journeys import Journeys
from domain import snapshot_upcasts
from domain.fold import fold_journey
from domain.journey import Journey
from domain.journey_facts import JourneyFacts
from domain.status import journey_status
from tests.integration.journeys_app import CLINIC, build_app
from tests.integration.recorded_answers import decisions

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "snapshot_v2.json").read_text())
NOW = datetime.fromisoformat(FIXTURE["now"])
(JOURNEY,) = FIXTURE["journeys"]
JOURNEY_ID = UUID(JOURNEY["journey_id"])
POINTS = [s["point"] for s in JOURNEY["snapshots"]]


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@pytest.fixture
def store(database_url: str) -> Iterator[Journeys]:
    app = build_app(database_url, FIXTURE["cipher_key"])
    app.recorder.insert_events(
        [
            StoredEvent(JOURNEY_ID, r["originator_version"], r["topic"], bytes.fromhex(r["state"]))
            for r in JOURNEY["rows"]
        ]
    )
    yield app
    app.close()


@pytest.fixture
def upcasts(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often each snapshot upcaster ran (both still do their work)."""
    seen = {"v1_v2": 0, "v2_v3": 0}

    def upcast_v1_v2(state: dict[str, Any]) -> None:
        seen["v1_v2"] += 1
        snapshot_upcasts.facts_v1_v2(state)

    def upcast_v2_v3(state: dict[str, Any]) -> None:
        seen["v2_v3"] += 1
        snapshot_upcasts.facts_v2_v3(state)

    monkeypatch.setattr(Journey, "upcast_v1_v2", staticmethod(upcast_v1_v2))
    monkeypatch.setattr(Journey, "upcast_v2_v3", staticmethod(upcast_v2_v3))
    return seen


def _store_snapshot(app: Journeys, snapshot: dict[str, Any]) -> None:
    mapper = app.mapper
    assert mapper.cipher is not None
    assert mapper.compressor is not None
    assert app.snapshots is not None
    body = snapshot["state"].encode("utf-8")
    app.snapshots.recorder.insert_events(
        [
            StoredEvent(
                JOURNEY_ID,
                snapshot["originator_version"],
                get_topic(Journey.Snapshot),
                mapper.cipher.encrypt(mapper.compressor.compress(body)),
            )
        ]
    )


def _replayed(app: Journeys, version: int | None = None) -> Journey:
    journey = fold_journey(None, app.events.get(JOURNEY_ID, lte=version))
    assert journey is not None
    return journey


def test_the_fixture_was_written_at_version_2_without_diagnoses():
    assert FIXTURE["journey_class_version"] == 2
    assert Journey.class_version == 3
    for snapshot in JOURNEY["snapshots"]:
        state = json.loads(snapshot["state"])["state"]
        assert state["class_version"] == 2
        assert "diagnoses" not in state["facts"]["_data_"]
    assert POINTS == ["consulted", "final"]


@pytest.mark.parametrize("point", range(len(POINTS)), ids=POINTS)
def test_a_version_2_snapshot_loads_as_its_journeys_replay(store, upcasts, point):
    snapshot = JOURNEY["snapshots"][point]
    version, at = snapshot["originator_version"], datetime.fromisoformat(snapshot["at"])
    _store_snapshot(store, snapshot)

    loaded = store.repository.get(JOURNEY_ID, version=version)
    replayed = _replayed(store, version)

    assert upcasts == {"v1_v2": 0, "v2_v3": 1}  # from the snapshot, one step only
    assert isinstance(loaded.facts, JourneyFacts)
    assert loaded.facts == replayed.facts
    assert loaded.facts.diagnoses == []
    status = _plain(asdict(journey_status(JOURNEY_ID, version, loaded.facts, at)))
    recorded = snapshot["status"]
    assert decisions(status, recorded) == decisions(recorded, recorded)  # as it decided then


def test_the_journey_answers_as_it_did_from_its_snapshot_and_its_entries(store, upcasts):
    _store_snapshot(store, JOURNEY["snapshots"][-1])

    from_snapshot = store.status(CLINIC, JOURNEY_ID, NOW)

    assert upcasts["v2_v3"] == 1
    assert from_snapshot == journey_status(
        JOURNEY_ID, JOURNEY["snapshots"][-1]["originator_version"], _replayed(store).facts, NOW
    )
    recorded = JOURNEY["status"]
    assert decisions(_plain(asdict(from_snapshot)), recorded) == decisions(recorded, recorded)
