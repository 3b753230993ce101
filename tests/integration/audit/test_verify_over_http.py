"""An auditor verifies a journey over HTTP; the verdict names what broke."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from interface.auth.roles import Role
from interface.http.app import create_app
from tests.integration.audit.intruder import Intruder
from tests.integration.journeys_app import FixedClock, open_journey, post
from tests.integration.signed import signed_settings
from tests.story import START, dosing_session, intake

STORY = intake() + dosing_session(1, START + timedelta(days=10))


@pytest.fixture
def api(database_url):
    settings = signed_settings(
        database_url,
        checkpoint_every_seconds=0,
    )
    app = create_app(settings, clock=FixedClock(START + timedelta(days=12)))
    with TestClient(app) as client:
        services = app.state.services
        ours = open_journey(services.journeys, patient_ref="MRN-1")
        theirs = open_journey(services.journeys, patient_ref="MRN-2", clinic="clinic-b")
        for s in STORY:
            post(services.journeys, ours, s)
        tokens = services.tokens

        def headers(role: Role, clinic: str = "clinic-a") -> dict[str, str]:
            return {"Authorization": f"Bearer {tokens.issue(role, clinic, f'{role}-x')}"}

        intruder = Intruder(database_url, services.journeys)
        intruder.drop_protection()
        yield client, services, ours, theirs, headers, intruder


def test_an_untouched_journey_verifies(api):
    client, _, ours, _, headers, _ = api
    answer = client.get(f"/v1/journeys/{ours}/verify", headers=headers(Role.AUDITOR))

    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "journey_id": str(ours),
        "ok": True,
        "events_checked": 1 + len(STORY),  # the opening and the story
        "problems": [],
    }


def test_an_altered_entry_is_named_at_its_version(api):
    client, _, ours, _, headers, intruder = api
    state, _ = intruder.row(ours, 6)
    intruder.overwrite(ours, 6, state[:-1] + bytes([state[-1] ^ 1]))

    body = client.get(f"/v1/journeys/{ours}/verify", headers=headers(Role.AUDITOR)).json()

    assert body["ok"] is False
    assert [(p["version"], p["kind"]) for p in body["problems"]] == [(6, "stored_bytes_changed")]


@pytest.mark.parametrize("where", ["seal", "body"])
def test_a_flipped_stored_byte_is_named_without_the_key(api, where):
    """The seal binds the stored bytes: named at that entry before anything is decrypted."""
    client, _, ours, _, headers, intruder = api
    state, _ = intruder.row(ours, 11)
    at = state.index(b'"stored":"') + 12 if where == "seal" else state.index(b"\n") + 1
    intruder.overwrite(ours, 11, state[:at] + bytes([state[at] ^ 1]) + state[at + 1 :])

    body = client.get(f"/v1/journeys/{ours}/verify", headers=headers(Role.AUDITOR)).json()

    assert body["ok"] is False
    assert [(p["version"], p["kind"]) for p in body["problems"]] == [(11, "stored_bytes_changed")]


def test_a_changed_topic_is_named_at_its_version(api):
    client, _, ours, _, headers, intruder = api
    _, other_topic = intruder.row(ours, 2)
    state, _ = intruder.row(ours, 7)
    intruder.overwrite(ours, 7, state, other_topic)

    body = client.get(f"/v1/journeys/{ours}/verify", headers=headers(Role.AUDITOR)).json()

    assert [(p["version"], p["kind"]) for p in body["problems"]] == [(7, "stored_bytes_changed")]


def test_a_journey_removed_whole_after_a_checkpoint_is_named(api):
    client, services, ours, _, headers, intruder = api
    services.checkpoints.create()
    intruder.delete(ours, 1)

    body = client.get(f"/v1/journeys/{ours}/verify", headers=headers(Role.AUDITOR)).json()

    assert [p["kind"] for p in body["problems"]] == ["journey_removed"]


def test_verification_is_for_auditors_of_the_journeys_clinic(api):
    client, _, ours, theirs, headers, _ = api

    assert client.get(f"/v1/journeys/{ours}/verify", headers=headers(Role.STAFF)).status_code == 403
    other = client.get(f"/v1/journeys/{theirs}/verify", headers=headers(Role.AUDITOR))
    assert other.status_code == 404
    elsewhere = client.get(f"/v1/journeys/{ours}/verify", headers=headers(Role.AUDITOR, "clinic-b"))
    assert elsewhere.status_code == 404


def test_a_verification_is_in_the_access_log(api):
    client, _, ours, _, headers, _ = api
    auditor = headers(Role.AUDITOR)
    client.get(f"/v1/journeys/{ours}/verify", headers=auditor)

    entries = client.get("/v1/audit/access-log", headers=auditor).json()["entries"]

    assert any(e["action"] == "verify" and e["journey_id"] == str(ours) for e in entries)
