"""An auditor verifies and exports a journey whose stored entries no longer fold: both
answer as a failed verification (as ``audit verify`` does), never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from interface.audit.bundle_verifier import verify_bundle
from interface.auth.roles import Role
from interface.http.app import create_app
from tests.integration.audit.intruder import Intruder
from tests.integration.journeys_app import FixedClock, open_journey, post
from tests.integration.signed import signed_settings
from tests.story import START, intake


@pytest.fixture
def api(database_url):
    settings = signed_settings(
        database_url,
        checkpoint_every_seconds=0,
    )
    app = create_app(settings, clock=FixedClock(START + timedelta(days=12)))
    with TestClient(app, raise_server_exceptions=False) as client:
        services = app.state.services
        ours = open_journey(services.journeys, patient_ref="MRN-1")
        for s in intake():
            post(services.journeys, ours, s)
        tokens = services.tokens

        def headers(clinic: str = "clinic-a") -> dict[str, str]:
            return {"Authorization": f"Bearer {tokens.issue(Role.AUDITOR, clinic, 'aud')}"}

        intruder = Intruder(database_url, services.journeys)
        intruder.drop_protection()
        yield client, ours, headers, intruder


def swap_contents(intruder, journey_id, first, second):
    a, _ = intruder.row(journey_id, first)
    b, _ = intruder.row(journey_id, second)
    intruder.overwrite(journey_id, first, b)
    intruder.overwrite(journey_id, second, a)


@pytest.mark.parametrize("swap", [swap_contents, Intruder.swap], ids=["contents", "rows"])
def test_verify_names_the_swapped_pair(api, swap):
    client, ours, headers, intruder = api
    swap(intruder, ours, 3, 4)

    answer = client.get(f"/v1/journeys/{ours}/verify", headers=headers())

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] is False
    assert {p["version"] for p in body["problems"]} >= {3, 4}
    hidden = client.get(f"/v1/journeys/{ours}/verify", headers=headers("clinic-b"))
    assert hidden.status_code == 404


def test_verify_of_a_journey_whose_opening_moved(api):
    client, ours, headers, intruder = api
    intruder.swap(ours, 1, 2)

    body = client.get(f"/v1/journeys/{ours}/verify", headers=headers()).json()

    assert body["ok"] is False
    assert [(p["version"], p["kind"]) for p in body["problems"]] == [
        (1, "reordered"),
        (2, "reordered"),
    ]


def test_export_gives_a_bundle_whose_check_fails(api, tmp_path):
    client, ours, headers, intruder = api
    swap_contents(intruder, ours, 3, 4)

    answer = client.get(f"/v1/audit/export?journey={ours}", headers=headers())

    assert answer.status_code == 200, answer.text
    (tmp_path / "damaged.zip").write_bytes(answer.content)
    report = verify_bundle(tmp_path / "damaged.zip")
    assert not report.ok
    hidden = client.get(f"/v1/audit/export?journey={ours}", headers=headers("clinic-b"))
    assert hidden.status_code == 404


def test_export_of_an_entry_that_no_longer_decrypts_is_a_problem_not_a_500(api):
    client, ours, headers, intruder = api
    state, _ = intruder.row(ours, 4)
    intruder.overwrite(ours, 4, state[:-3] + bytes([state[-3] ^ 1]) + state[-2:])

    answer = client.get(f"/v1/audit/export?journey={ours}", headers=headers())
    verified = client.get(f"/v1/journeys/{ours}/verify", headers=headers()).json()

    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "journey_damaged"
    assert verified["ok"] is False
    assert [p["version"] for p in verified["problems"]] == [4]
