"""A clinic's auditor learns nothing of another clinic from the audit trail: no event
count, no inclusion proof, no journey removed whole. Heads record their clinic; heads
recorded before they did are the operator's only once no entry says whose they were."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
import sqlalchemy
from fastapi.testclient import TestClient

from interface.audit.anchors import anchor_for
from interface.auth.roles import Role
from interface.http.app import create_app
from interface.storage.engine import create_sql_engine
from tests.integration.audit.intruder import Intruder
from tests.integration.journeys_app import FixedClock, open_journey, post
from tests.integration.signed import signed_settings
from tests.story import START, intake

OURS = 6  # clinic-a's journey: opened and five intake steps


def build(database_url):
    settings = signed_settings(
        database_url,
        checkpoint_every_seconds=0,
    )
    return create_app(settings, clock=FixedClock(START + timedelta(days=12)))


@pytest.fixture
def audit(database_url):
    app = build(database_url)
    with TestClient(app) as client:
        services = app.state.services
        ours = open_journey(services.journeys, patient_ref="MRN-1")
        for s in intake():
            post(services.journeys, ours, s)
        checkpoints = services.checkpoints
        checkpoints.create()

        def auditor(clinic: str) -> dict[str, str]:
            token = services.tokens.issue(Role.AUDITOR, clinic, f"audit-{clinic}")
            return {"Authorization": f"Bearer {token}"}

        yield client, services, ours, checkpoints, auditor


def nothing(leaf_index: int, tree_size: int) -> str:
    return f"No event {leaf_index} of your clinic's journeys in a checkpoint of {tree_size} events."


def test_a_clinic_sees_its_own_checkpoints_and_journeys(audit):
    client, _, ours, _, auditor = audit
    body = client.get("/v1/audit/checkpoints", headers=auditor("clinic-a")).json()

    assert [c["tree_size"] for c in body["checkpoints"]] == [OURS]
    assert [(j["journey_id"], j["version"], j["tree_size"]) for j in body["journeys"]] == [
        (str(ours), OURS, OURS)
    ]
    proof = client.get(f"/v1/audit/checkpoints/{OURS}/inclusion/0", headers=auditor("clinic-a"))
    assert proof.status_code == 200, proof.text


def test_another_clinic_learns_no_count(audit):
    client, _, _, _, auditor = audit
    answer = client.get("/v1/audit/checkpoints", headers=auditor("clinic-b"))

    assert answer.status_code == 200
    body = answer.json()
    assert body["checkpoints"] == []
    assert body["journeys"] == []
    assert set(body) == {"public_key", "key_id", "algorithm", "checkpoints", "journeys"}


def test_another_clinic_gets_no_proof_and_cannot_tell_it_exists(audit):
    client, _, _, _, auditor = audit
    for leaf in range(OURS + 1):
        answer = client.get(
            f"/v1/audit/checkpoints/{OURS}/inclusion/{leaf}", headers=auditor("clinic-b")
        )
        assert answer.status_code == 404, answer.text
        assert answer.json()["detail"] == nothing(leaf, OURS)
    for size in (OURS - 1, OURS + 1):  # no checkpoint signed these: the very same answer
        probe = client.get(f"/v1/audit/checkpoints/{size}/inclusion/0", headers=auditor("clinic-b"))
        assert probe.json()["detail"] == nothing(0, size)


def test_each_clinic_sees_only_the_checkpoints_of_its_own_writes(audit):
    client, services, ours, checkpoints, auditor = audit
    theirs = open_journey(services.journeys, patient_ref="MRN-2", clinic="clinic-b")
    checkpoints.create()

    b = client.get("/v1/audit/checkpoints", headers=auditor("clinic-b")).json()
    a = client.get("/v1/audit/checkpoints", headers=auditor("clinic-a")).json()

    assert [c["tree_size"] for c in b["checkpoints"]] == [OURS + 1]
    assert [j["journey_id"] for j in b["journeys"]] == [str(theirs)]
    assert [c["tree_size"] for c in a["checkpoints"]] == [OURS]
    assert [j["journey_id"] for j in a["journeys"]] == [str(ours)]
    own = client.get(
        f"/v1/audit/checkpoints/{OURS + 1}/inclusion/{OURS}", headers=auditor("clinic-b")
    )
    assert own.status_code == 200, own.text
    other = client.get(f"/v1/audit/checkpoints/{OURS + 1}/inclusion/0", headers=auditor("clinic-b"))
    assert other.status_code == 404
    assert services.checkpoints.heads()[theirs].clinic_id == "clinic-b"


def test_a_clinics_listing_carries_no_proof_from_a_checkpoint_it_may_not_see(audit):
    client, services, _, checkpoints, auditor = audit
    open_journey(services.journeys, patient_ref="MRN-2", clinic="clinic-b")
    checkpoints.create()  # its consistency proof leads from clinic-a's checkpoint

    b = client.get("/v1/audit/checkpoints", headers=auditor("clinic-b")).json()

    assert [c["tree_size"] for c in b["checkpoints"]] == [OURS + 1]
    assert "consistency_proof" not in b["checkpoints"][0], "its length tells the unseen size"


def test_a_journey_removed_whole_is_named_to_its_clinic_only(audit, database_url):
    client, services, ours, _, auditor = audit
    intruder = Intruder(database_url, services.journeys)
    intruder.drop_protection()
    intruder.delete(ours, 1)

    own = client.get(f"/v1/journeys/{ours}/verify", headers=auditor("clinic-a"))
    other = client.get(f"/v1/journeys/{ours}/verify", headers=auditor("clinic-b"))
    replay = client.get(
        f"/v1/journeys/{ours}/replay", params={"version": 1}, headers=auditor("clinic-b")
    )

    assert [p["kind"] for p in own.json()["problems"]] == ["journey_removed"]
    assert other.status_code == 404
    assert other.json()["code"] == "journey_not_found"
    assert replay.status_code == 404


OLD_HEADS = """CREATE TABLE audit_checkpoint_heads (
    checkpoint_id INTEGER NOT NULL, journey_id VARCHAR(36) NOT NULL,
    version INTEGER NOT NULL, hash VARCHAR(64) NOT NULL,
    PRIMARY KEY (checkpoint_id, journey_id))"""


def test_heads_from_before_the_clinic_column_are_the_operators_once_nothing_names_them(
    database_url,
):
    """Heads recorded before heads named their clinic: the column is added, the rows keep
    no clinic; a clinic is judged against one only while the journey's entries are its."""
    engine = create_sql_engine(database_url)
    removed, kept_version = uuid4(), OURS + 3
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(OLD_HEADS))
    app = build(database_url)
    with TestClient(app) as client:
        services = app.state.services
        ours = open_journey(services.journeys, patient_ref="MRN-1")
        for s in intake():
            post(services.journeys, ours, s)
        with engine.begin() as connection:
            for journey_id, version in ((ours, kept_version), (removed, 4)):
                connection.execute(
                    sqlalchemy.text("INSERT INTO audit_checkpoint_heads VALUES (1, :j, :v, :h)"),
                    {"j": str(journey_id), "v": version, "h": "ab" * 32},
                )

        def auditor(clinic: str) -> dict[str, str]:
            token = services.tokens.issue(Role.AUDITOR, clinic, f"audit-{clinic}")
            return {"Authorization": f"Bearer {token}"}

        cut = client.get(f"/v1/journeys/{ours}/verify", headers=auditor("clinic-a")).json()
        hidden = client.get(f"/v1/journeys/{ours}/verify", headers=auditor("clinic-b"))
        gone = client.get(f"/v1/journeys/{removed}/verify", headers=auditor("clinic-a"))
        listing = client.get("/v1/audit/checkpoints", headers=auditor("clinic-a")).json()
        columns = {
            c["name"] for c in sqlalchemy.inspect(engine).get_columns("audit_checkpoint_heads")
        }

        assert "clinic_id" in columns
        assert [p["kind"] for p in cut["problems"]] == ["cut_tail"]
        assert hidden.status_code == 404
        assert gone.status_code == 404
        assert anchor_for(services, None, removed) is not None  # the operator's CLI
        assert listing["journeys"] == []
    engine.dispose()
