"""Journeys stored by an earlier version of the code load as they did, and still verify.

``fixtures/stored_shapes.json`` holds the stored rows (events and snapshots, encrypted,
with the fixture's test-only cipher key) of two journeys written over HTTP by the code
of the commit it names, with every event type, optional fields left out and sent as
null, a correction and two snapshots; and the status and history that code answered.
Whatever changes how events are modelled must keep these answers, the seals, and the
bytes each entry would be stored as today.
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
from typer.testing import CliRunner

from application.audit.verify import ChainVerifier
from application.journeys import Journeys
from application.sealed_mapper import split_state
from domain.fold import fold_journey
from interface.cli.main import app as cli
from interface.services import Services
from tests.integration.signed import signed_settings

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "stored_shapes.json").read_text())
NOW = datetime.fromisoformat(FIXTURE["now"])
CLINIC = "clinic-a"
JOURNEYS = FIXTURE["journeys"]
IDS = [UUID(j["journey_id"]) for j in JOURNEYS]


def _plain(value: Any) -> Any:
    """The fixture's JSON form of an answer (times as ``str(datetime)``)."""
    return json.loads(json.dumps(value, default=str))


def _rows(journey: dict[str, Any], key: str) -> list[StoredEvent]:
    return [
        StoredEvent(
            originator_id=UUID(journey["journey_id"]),
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=bytes.fromhex(row["state"]),
        )
        for row in journey[key]
    ]


def _services(database_url: str, *, snapshots: bool) -> Services:
    settings = signed_settings(
        database_url,
        cipher_key=FIXTURE["cipher_key"],
        run_projections=False,
    )
    services = Services(settings)
    journeys = services.journeys
    for journey in JOURNEYS:  # in the order they were written, so positions match
        journeys.recorder.insert_events(_rows(journey, "rows"))
        if snapshots and journey["snapshots"]:
            assert journeys.snapshots is not None
            journeys.snapshots.recorder.insert_events(_rows(journey, "snapshots"))
    return services


@pytest.fixture(params=["with snapshots", "events only"])
def store(request: pytest.FixtureRequest, database_url: str) -> Iterator[Services]:
    services = _services(database_url, snapshots=request.param == "with snapshots")
    yield services
    services.close()


def test_the_fixture_holds_every_event_type_and_a_snapshot_to_start_from():
    types = {e["type"] for j in JOURNEYS for e in j["history"]}
    assert len(types) == 22  # JourneyOpened and the 21 appendable types
    assert sum(len(j["snapshots"]) for j in JOURNEYS) >= 1
    assert all(j["status"]["stage"] == "closed" for j in JOURNEYS)


@pytest.mark.parametrize("index", range(len(JOURNEYS)))
def test_a_stored_journey_answers_the_status_and_history_it_answered(store, index):
    journeys: Journeys = store.journeys
    journey = JOURNEYS[index]

    status = journeys.status(CLINIC, IDS[index], NOW)
    history = journeys.history(CLINIC, IDS[index])

    assert _plain(asdict(status)) == journey["status"]
    assert _plain([asdict(h) for h in history]) == journey["history"]


def test_each_snapshot_loads_as_the_journey_folded_from_its_events(store):
    journeys: Journeys = store.journeys
    for journey_id, journey in zip(IDS, JOURNEYS, strict=True):
        for row in _rows(journey, "snapshots"):
            events = journeys.events.get(journey_id, lte=row.originator_version)
            from_events = fold_journey(None, events)
            from_snapshot = journeys.mapper.to_domain_event(row)
            assert from_snapshot.mutate(None).facts == from_events.facts  # type: ignore[attr-defined]


def test_every_stored_entry_keeps_its_seal_and_chain(store):
    journeys: Journeys = store.journeys
    for journey_id in IDS:
        verification = ChainVerifier(journeys).verify(journey_id)
        assert verification.ok, verification.problems
        assert verification.events_checked == len(JOURNEYS[IDS.index(journey_id)]["rows"])


def test_the_operators_deep_verify_passes_over_the_stored_journeys(store):
    settings = store.settings
    env = {
        "KAP_DATABASE_URL": settings.database_url,
        "KAP_CIPHER_KEY": settings.cipher_key or "",
        "KAP_SIGNING_KEY": settings.signing_key or "",
    }
    done = CliRunner().invoke(cli, ["audit", "verify", "--deep"], env=env)
    assert done.exit_code == 0, done.output


def _plaintext(journeys: Journeys, state: bytes) -> bytes:
    mapper = journeys.mapper
    assert mapper.cipher is not None
    assert mapper.compressor is not None
    _, body = split_state(state)
    return mapper.compressor.decompress(mapper.cipher.decrypt(body))


def test_todays_code_would_store_each_entry_and_snapshot_as_the_same_json(store):
    """Loaded and written again, every event and snapshot encodes to the bytes it was
    stored as (before encryption): no stored shape changed."""
    journeys: Journeys = store.journeys
    for journey in JOURNEYS:
        for row in [*_rows(journey, "rows"), *_rows(journey, "snapshots")]:
            event = journeys.mapper.to_domain_event(row)
            again = journeys.mapper.to_stored_event(event)
            assert _plaintext(journeys, again.state) == _plaintext(journeys, row.state), (
                row.originator_version,
                row.topic,
            )
