"""Journey snapshots stored by ``Journey`` version 1 load through its upcaster, as their replay.

``fixtures/snapshot_v1.json`` was written by the code before protocol 2027-1 (see
``fixtures/write_snapshot_v1.py``): a ``kap-standard`` and a ``spravato-rems`` journey
opened under 2026-11-01, with doses, an early discharge on an override, a serious
adverse event, a PHQ-9 item 9 hold and their safety reviews, a plan and a maintenance
dose; their stored rows; the status that code answered; and snapshots taken at three
points (dosed, held, after the last entry). Today's ``Journey`` (class version 2) must
load each snapshot through ``upcast_v1_v2`` into the journey a replay of the same
entries gives, and decide as that code did (``recorded_answers.decisions``): the
journeys keep their protocol's rules.
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
from domain.status import JourneyStatus, journey_status
from tests.integration.journeys_app import CLINIC, build_app
from tests.integration.recorded_answers import decisions
from tests.integration.v1_facts import known_at_v1

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "snapshot_v1.json").read_text())
NOW = datetime.fromisoformat(FIXTURE["now"])
JOURNEYS = FIXTURE["journeys"]
CASES = [(j, s) for j in range(len(JOURNEYS)) for s in range(len(JOURNEYS[j]["snapshots"]))]
CASE_IDS = [
    f"{JOURNEYS[j]['protocol']['name']}-{JOURNEYS[j]['snapshots'][s]['point']}" for j, s in CASES
]


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _rows(journey: dict[str, Any]) -> list[StoredEvent]:
    return [
        StoredEvent(
            originator_id=UUID(journey["journey_id"]),
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=bytes.fromhex(row["state"]),
        )
        for row in journey["rows"]
    ]


def _store_snapshot(app: Journeys, journey_id: UUID, snapshot: dict[str, Any]) -> None:
    """Store the snapshot's JSON as the store of the day held it: compressed, encrypted."""
    mapper = app.mapper
    assert mapper.cipher is not None
    assert mapper.compressor is not None
    body = snapshot["state"].encode("utf-8")
    assert app.snapshots is not None
    app.snapshots.recorder.insert_events(
        [
            StoredEvent(
                journey_id,
                snapshot["originator_version"],
                get_topic(Journey.Snapshot),
                mapper.cipher.encrypt(mapper.compressor.compress(body)),
            )
        ]
    )


@pytest.fixture
def store(database_url: str) -> Iterator[Journeys]:
    """Every journey's stored rows, in the order written, under the fixture's key."""
    app = build_app(database_url, FIXTURE["cipher_key"])
    for journey in JOURNEYS:
        app.recorder.insert_events(_rows(journey))
    yield app
    app.close()


@pytest.fixture
def upcasts(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every snapshot state ``Journey.upcast_v1_v2`` reshapes (it still does the work)."""
    seen: list[dict[str, Any]] = []

    def upcast_v1_v2(state: dict[str, Any]) -> None:
        seen.append(state)
        snapshot_upcasts.facts_v1_v2(state)

    monkeypatch.setattr(Journey, "upcast_v1_v2", staticmethod(upcast_v1_v2))
    return seen


def _replayed(app: Journeys, journey_id: UUID, version: int | None = None) -> Journey:
    """The journey folded from its entries alone, never from a snapshot."""
    journey = fold_journey(None, app.events.get(journey_id, lte=version))
    assert journey is not None
    return journey


def _status(journey: Journey, now: datetime) -> JourneyStatus:
    return journey_status(journey.id, journey.version, journey.facts, now)


def test_the_fixture_was_written_at_version_1_with_its_snapshots_unversioned():
    assert FIXTURE["journey_class_version"] == 1
    assert Journey.class_version >= 2  # 3 since the diagnoses: test_snapshot_v2
    for journey in JOURNEYS:
        assert journey["protocol"]["version"] == "2026-11-01"
        for snapshot in journey["snapshots"]:
            assert '"class_version"' not in snapshot["state"]  # version 1 stores none
    for journey in JOURNEYS:
        at = {s["point"]: s["status"] for s in journey["snapshots"]}
        assert set(at) == {"dosed", "held", "final"}
        assert at["dosed"]["session_state"] == "dosed"
        assert "safety_hold" in at["held"]["flags"]
        assert {"adverse_event", "override_used"} <= set(at["final"]["flags"])
        assert at["final"]["stage"] == "maintenance"


@pytest.mark.parametrize(("index", "point"), CASES, ids=CASE_IDS)
def test_an_old_snapshot_loads_through_the_upcaster_as_its_journeys_replay(
    store, upcasts, index, point
):
    journey, snapshot = JOURNEYS[index], JOURNEYS[index]["snapshots"][point]
    journey_id, version = UUID(journey["journey_id"]), snapshot["originator_version"]
    at = datetime.fromisoformat(snapshot["at"])
    _store_snapshot(store, journey_id, snapshot)

    then = store.status_at_version(CLINIC, journey_id, version, at)
    assert upcasts  # loaded from the snapshot, through the upcaster
    upcasts.clear()
    now = store.status(CLINIC, journey_id, NOW)
    assert upcasts

    assert then == _status(_replayed(store, journey_id, version), at)
    assert now == _status(_replayed(store, journey_id), NOW)
    # and they decide as the code of the day did
    assert decisions(_plain(asdict(then)), snapshot["status"]) == decisions(
        snapshot["status"], snapshot["status"]
    )
    assert decisions(_plain(asdict(now)), journey["status"]) == decisions(
        journey["status"], journey["status"]
    )


@pytest.mark.parametrize(("index", "point"), CASES, ids=CASE_IDS)
def test_an_upcast_snapshot_holds_the_facts_a_replay_gives_but_what_v1_never_kept(
    store, index, point
):
    """Same keys at every level, and the same values except those version 1 did not keep
    (``v1_facts.NOT_KEPT_AT_V1``): the upcaster fills nothing wrongly and forgets no new key."""
    journey, snapshot = JOURNEYS[index], JOURNEYS[index]["snapshots"][point]
    journey_id, version = UUID(journey["journey_id"]), snapshot["originator_version"]
    _store_snapshot(store, journey_id, snapshot)

    loaded = store.repository.get(journey_id, version=version).facts
    replayed = _replayed(store, journey_id, version).facts

    assert isinstance(loaded, JourneyFacts)
    assert known_at_v1(loaded) == known_at_v1(replayed)


@pytest.mark.parametrize("index", range(len(JOURNEYS)))
def test_without_a_snapshot_the_old_journeys_replay_under_their_own_version(store, index):
    journey = JOURNEYS[index]
    journey_id = UUID(journey["journey_id"])

    status = store.status(CLINIC, journey_id, NOW)

    assert status.protocol_version == "2026-11-01" == journey["protocol"]["version"]
    recorded = journey["status"]
    assert decisions(_plain(asdict(status)), recorded) == decisions(recorded, recorded)
