"""Journeys stored by an earlier version of the code load as they did, and still verify.

``fixtures/stored_shapes.json`` holds the stored rows (events and snapshots, encrypted,
with the fixture's test-only cipher key) of two journeys written over HTTP by the code
of the commit it names, with every event type, optional fields left out and sent as
null, a correction and two snapshots; and the status and history that code answered.
Whatever changes how events are modelled must keep these answers (the history word for
word, the status's decisions under the journey's own protocol version, 2026-11-01), the
seals, and the bytes each entry would be stored as today.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic
from typer.testing import CliRunner

from application.audit.verify import ChainVerifier
from application.journeys import Journeys
from application.sealed_mapper import split_state
from domain.fold import fold_journey
from interface.cli.main import app as cli
from interface.services import Services
from tests.integration.recorded_answers import decisions
from tests.integration.signed import signed_settings
from tests.integration.v1_facts import known_at_v1

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
def test_a_stored_journey_answers_the_history_and_decisions_it_answered(store, index):
    """The history as it was, word for word; the status's decisions as that code made
    them (``recorded_answers.decisions``: protocol 2027-1 rewords them for every journey)."""
    journeys: Journeys = store.journeys
    journey = JOURNEYS[index]

    status = journeys.status(CLINIC, IDS[index], NOW)
    history = journeys.history(CLINIC, IDS[index])

    recorded = journey["status"]
    assert decisions(_plain(asdict(status)), recorded) == decisions(recorded, recorded)
    answered = _plain([asdict(h) for h in history])
    hashes = [entry.pop("hash") for entry in answered]
    assert answered == [{k: v for k, v in e.items() if k != "hash"} for e in journey["history"]]
    # That code left each entry's hash out (null); today it is the seal stored with it.
    seals = [split_state(e.state)[0] for e in journeys.recorder.select_events(IDS[index])]
    assert hashes == [None if seal is None else seal.hash for seal in seals]
    assert all(hashes)


@pytest.mark.parametrize("index", range(len(JOURNEYS)))
def test_a_stored_journey_keeps_the_protocol_version_it_was_opened_under(store, index):
    """Written before 2027-1 existed, each journey replays under 2026-11-01, its rules."""
    journeys: Journeys = store.journeys
    recorded = JOURNEYS[index]["status"]

    status = journeys.status(CLINIC, IDS[index], NOW)
    facts = journeys.repository.get(IDS[index]).facts

    assert (status.protocol_name, status.protocol_version) == (
        recorded["protocol_name"],
        "2026-11-01",
    )
    assert facts.profile.version == "2026-11-01"
    assert not facts.profile.enforces("2027-1")


def test_each_snapshot_loads_as_the_journey_folded_from_its_events(store):
    """Stored at ``Journey`` version 1, each loads through ``upcast_v1_v2`` with every fact
    its events give, but those version 1 did not keep (``v1_facts.NOT_KEPT_AT_V1``)."""
    journeys: Journeys = store.journeys
    for journey_id, journey in zip(IDS, JOURNEYS, strict=True):
        for row in _rows(journey, "snapshots"):
            events = journeys.events.get(journey_id, lte=row.originator_version)
            from_events = fold_journey(None, events)
            from_snapshot = journeys.mapper.to_domain_event(row)
            assert "class_version" not in from_snapshot.state  # type: ignore[attr-defined]
            loaded = from_snapshot.mutate(None).facts  # type: ignore[attr-defined]
            assert known_at_v1(loaded) == known_at_v1(from_events.facts)


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


def _at_todays_version(plaintext: bytes, topic: str) -> bytes:
    """An entry's stored JSON as it reads once its class's version number is today's:
    the mapper writes ``class_version`` last, and nothing else may differ."""
    today = getattr(resolve_topic(topic), "class_version", 1)
    found = re.search(rb',"class_version":(\d+)}$', plaintext)
    stored = int(found.group(1)) if found else 1
    assert stored <= today, (topic, stored, today)
    if stored == today:
        return plaintext
    body = plaintext[: found.start()] if found else plaintext[:-1]
    return body + b',"class_version":%d}' % today


ADDED_AT_V2 = {"enrollment": None, "medication_lists": [], "staff_seen": {}, "diagnoses": []}
"""The facts ``Journey`` versions 2 and 3 added with a default: a version-1 snapshot's
facts load with them (its upcasters fill the rest), so they are written back with them."""


def assert_same_snapshot(again: bytes, stored: bytes) -> None:
    """A version-1 snapshot written again: its facts gain ``ADDED_AT_V2``, at their
    defaults, and nothing else changes (the state is upcast when loaded, not here)."""
    again_state, stored_state = json.loads(again), json.loads(stored)
    assert "class_version" not in stored_state["state"]
    facts = again_state["state"]["facts"]["_data_"]
    added = {key: facts.pop(key) for key in ADDED_AT_V2}
    assert added == ADDED_AT_V2
    assert again_state == stored_state


def test_todays_code_would_store_each_entry_and_snapshot_as_the_same_json(store):
    """Loaded and written again, every event encodes to the bytes it was stored as
    (before encryption), but for the version number of a class whose version rose since
    (2027-1, the diagnoses and the session minutes added optional fields only: their
    upcasters change nothing, so an old entry's content is exactly as stored); every
    snapshot, to the same JSON with the facts versions 2 and 3 added at their defaults."""
    journeys: Journeys = store.journeys
    bumped = set()
    for journey in JOURNEYS:
        for row in _rows(journey, "rows"):
            event = journeys.mapper.to_domain_event(row)
            again = _plaintext(journeys, journeys.mapper.to_stored_event(event).state)
            stored = _plaintext(journeys, row.state)
            assert again == _at_todays_version(stored, row.topic), (
                row.originator_version,
                row.topic,
            )
            if again != stored:
                bumped.add(row.topic.rsplit(".", 1)[-1])
        for row in _rows(journey, "snapshots"):
            snapshot = journeys.mapper.to_domain_event(row)
            again = _plaintext(journeys, journeys.mapper.to_stored_event(snapshot).state)
            stored = _plaintext(journeys, row.state)
            assert_same_snapshot(again, stored)
    assert bumped == {  # the classes 2027-1 and issue 11 gave optional fields, only those
        "ConsultationCompleted",
        "OutcomeMeasureRecorded",
        "ScreeningCompleted",
        "PreDoseCheckCompleted",
        "KetamineAdministered",
        "AdverseEventReported",
        "PatientDischarged",
        "SafetyReviewCompleted",
        "PreparationCompleted",  # issue 11: the sessions' psychotherapy minutes
        "GuidedTherapyNoted",
        "IntegrationCompleted",
    }
