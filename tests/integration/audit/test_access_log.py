"""The access log: every read of a journey is recorded (who, clinic, journey, when, what,
why), auditors read their own clinic's log newest first, and nothing in it names a
patient or can be changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy
from httpx import Response

from interface.auth.roles import Role
from tests.integration.http.conftest import OTHER_CLINIC, Api, assert_problem, running_api
from tests.story import START, intake

PATIENT_REF = "MRN-7734"


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    """The HTTP tests' app (tokens per role of clinic-a, a settable clock), on each database."""
    with running_api(database_url) as running:
        yield running


@pytest.fixture
def journey_id(api: Api) -> str:
    journey_id = api.journey(PATIENT_REF)
    api.post_all(journey_id, intake()[:2])
    return journey_id


def access_log_answer(api: Api, token: object = None, **params: Any) -> Response:
    return api.client.get(
        "/v1/audit/access-log", params=params, headers=api.headers(token or api.tokens["auditor"])
    )


def access_log(api: Api, token: object = None, **params: Any) -> list[dict[str, Any]]:
    """The clinic's access log as its auditor reads it, newest first."""
    answer = access_log_answer(api, token, **params)
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()["entries"]
    return entries


def last_read(api: Api) -> dict[str, Any]:
    return access_log(api, limit=1)[0]


def get(api: Api, path: str, role: str = "staff", **headers: str) -> Response:
    answer = api.client.get(path, headers=api.headers(api.tokens[role], **headers))
    assert answer.status_code == 200, answer.text
    return answer


def test_a_staff_status_read_is_logged_for_treatment(api: Api, journey_id: str) -> None:
    api.clock.now = START + timedelta(days=1)

    get(api, f"/v1/journeys/{journey_id}")

    entry = last_read(api)
    assert {k: v for k, v in entry.items() if k not in {"id", "at"}} == {
        "token_name": "front-desk",
        "role": "staff",
        "clinic_id": "clinic-a",
        "journey_id": journey_id,
        "action": "status",
        "purpose": "treatment",
    }
    assert datetime.fromisoformat(entry["at"]) == api.clock.now


def test_every_read_path_is_logged_with_the_roles_default_purpose(
    api: Api, journey_id: str
) -> None:
    get(api, f"/v1/journeys/{journey_id}", "auditor")
    get(api, f"/v1/journeys/{journey_id}/history", "staff")
    get(api, f"/v1/journeys/{journey_id}/history", "auditor")
    get(api, "/v1/journeys", "staff")
    get(api, f"/v1/journeys/{journey_id}/replay?version=2", "auditor")
    access_log(api)

    entries = access_log(api)

    assert [(e["action"], e["role"], e["purpose"], e["journey_id"]) for e in entries] == [
        ("access_log", "auditor", "audit", None),
        ("replay", "auditor", "audit", journey_id),
        ("caseload", "staff", "treatment", None),
        ("history", "auditor", "audit", journey_id),
        ("history", "staff", "treatment", journey_id),
        ("status", "auditor", "audit", journey_id),
    ]


def test_the_purpose_comes_from_the_header(api: Api, journey_id: str) -> None:
    get(api, f"/v1/journeys/{journey_id}", x_purpose_of_use="care_coordination")
    assert last_read(api)["purpose"] == "care_coordination"

    get(api, "/v1/journeys", x_purpose_of_use="operations")
    assert last_read(api)["purpose"] == "operations"

    get(api, f"/v1/journeys/{journey_id}/replay?version=1", "auditor", x_purpose_of_use="legal")
    assert last_read(api)["purpose"] == "legal"


@pytest.mark.parametrize("purpose", ["", "Treatment", "treat-ment", "a" * 41, "treatment 1"])
@pytest.mark.parametrize("path", ["/v1/journeys/{id}", "/v1/journeys/{id}/history", "/v1/journeys"])
def test_a_malformed_purpose_is_422_and_nothing_is_read_or_logged(
    api: Api, journey_id: str, path: str, purpose: str
) -> None:
    before = access_log(api)

    answer = api.client.get(
        path.format(id=journey_id),
        headers=api.headers(api.tokens["staff"], x_purpose_of_use=purpose),
    )

    assert_problem(answer, 422, "invalid_request")
    assert access_log(api)[1:] == before


def test_a_refused_read_is_not_logged(api: Api, journey_id: str) -> None:
    before = access_log(api)
    unknown = "5aca18a0-25eb-5718-9bdd-a29978f91a5a"

    missing = api.client.get(f"/v1/journeys/{unknown}", headers=api.headers(api.tokens["staff"]))
    theirs = api.client.get(
        f"/v1/journeys/{journey_id}", headers=api.headers(api.other_clinic["staff"])
    )
    replay_by_staff = api.client.get(
        f"/v1/journeys/{journey_id}/replay?version=1", headers=api.headers(api.tokens["staff"])
    )

    assert_problem(missing, 404)
    assert_problem(theirs, 404)
    assert_problem(replay_by_staff, 403)
    assert access_log(api)[1:] == before


def test_only_auditors_read_the_access_log(api: Api) -> None:
    for role in ("staff", "clinic_system", "admin"):
        assert_problem(access_log_answer(api, api.tokens[role]), 403, "forbidden")


def test_an_auditor_sees_only_their_own_clinics_reads(api: Api, journey_id: str) -> None:
    theirs = api.journey(PATIENT_REF, token=api.other_clinic["clinic_system"])
    their_auditor = api.app.state.services.tokens.issue(Role.AUDITOR, OTHER_CLINIC, "audit-b")
    api.client.get(f"/v1/journeys/{theirs}", headers=api.headers(api.other_clinic["staff"]))
    get(api, f"/v1/journeys/{journey_id}")

    ours = access_log(api)
    their_log = access_log(api, their_auditor)

    assert {e["clinic_id"] for e in ours} == {"clinic-a"}
    assert theirs not in {e["journey_id"] for e in ours}
    assert [(e["clinic_id"], e["journey_id"], e["action"]) for e in their_log] == [
        (OTHER_CLINIC, theirs, "status")
    ]


def test_the_log_filters_by_journey_and_time_and_pages_newest_first(
    api: Api, journey_id: str
) -> None:
    other = api.journey("MRN-0099")
    for day in (1, 2, 3):
        api.clock.now = START + timedelta(days=day)
        get(api, f"/v1/journeys/{journey_id}")
        get(api, f"/v1/journeys/{other}")

    since_day_two = access_log(api, journey=journey_id, since=START + timedelta(days=2))
    by_journey = access_log(api, journey=journey_id)
    first_page = access_log_answer(api, journey=other, limit=2).json()
    second_page = access_log_answer(
        api, journey=other, limit=2, before_id=first_page["next_before_id"]
    ).json()

    def days(entries: list[dict[str, Any]]) -> list[tuple[str, int]]:
        return [(e["action"], (datetime.fromisoformat(e["at"]) - START).days) for e in entries]

    assert days(since_day_two) == [("status", 3), ("status", 2)]
    assert days(by_journey) == [("access_log", 3), ("status", 3), ("status", 2), ("status", 1)]
    assert {e["journey_id"] for e in by_journey} == {journey_id}
    assert days(first_page["entries"] + second_page["entries"]) == [
        ("status", 3),
        ("status", 2),
        ("status", 1),
    ]
    assert second_page["next_before_id"] is None


def test_reading_the_log_of_a_journey_is_logged_against_that_journey(
    api: Api, journey_id: str
) -> None:
    access_log(api, journey=journey_id, x_purpose_of_use="compliance_review")

    assert last_read(api)["action"] == "access_log"
    assert access_log(api, journey=journey_id)[0]["journey_id"] == journey_id


def test_the_table_holds_no_patient_data(api: Api, journey_id: str) -> None:
    get(api, f"/v1/journeys/{journey_id}")
    get(api, f"/v1/journeys/{journey_id}/history", "auditor")
    get(api, "/v1/journeys?q=MRN")
    engine: sqlalchemy.Engine = api.app.state.services.engine

    with engine.connect() as connection:
        result = connection.execute(sqlalchemy.text("SELECT * FROM access_log"))
        columns = list(result.keys())
        rows = result.all()

    assert "patient_ref" not in columns
    assert len(rows) == 3
    assert not [row for row in rows if any(PATIENT_REF in str(value) for value in row)]
    assert not [row for row in rows if any("MRN" in str(value) for value in row)]


@pytest.mark.parametrize(
    "statement", ["UPDATE access_log SET purpose = 'treatment'", "DELETE FROM access_log"]
)
def test_the_database_refuses_to_change_the_log(api: Api, journey_id: str, statement: str) -> None:
    get(api, f"/v1/journeys/{journey_id}")
    engine: sqlalchemy.Engine = api.app.state.services.engine

    with pytest.raises(sqlalchemy.exc.IntegrityError), engine.begin() as connection:
        connection.execute(sqlalchemy.text(statement))

    assert len(access_log(api)) == 1
