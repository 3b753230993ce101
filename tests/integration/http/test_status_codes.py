"""Every status code of the HTTP contract (ARCHITECTURE.md), each a problem document on error."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.databases import ADMIN_URL
from tests.integration.http.conftest import NO_TOKEN, Api, assert_problem
from tests.story import intake, step


def test_opening_a_journey_is_201_with_its_location(api: Api) -> None:
    answer = api.open_journey()

    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["version"], body["stage"], body["next_step"]["code"]) == (
        1,
        "opened",
        "complete_consultation",
    )
    assert answer.headers["location"] == f"/v1/journeys/{body['journey_id']}"
    assert answer.headers["etag"] == '"1"'


def test_opening_the_same_journey_again_is_200_with_the_same_id(api: Api) -> None:
    first = api.open_journey()
    again = api.open_journey()

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(api.history(first.json()["journey_id"])) == 1


def test_reopening_the_episode_with_other_details_is_409(api: Api) -> None:
    api.journey()

    answer = api.open_journey(protocol="spravato-rems")

    body = assert_problem(answer, 409, "journey_exists")
    assert "protocol" in body["detail"]
    assert "episode" in body["detail"]


def test_if_match_star_accepts_whatever_the_current_version_is(api: Api) -> None:
    journey_id = api.journey()

    answer = api.post(journey_id, intake()[0], if_match="*")

    assert answer.status_code == 201, answer.text


def test_appending_an_event_is_201(api: Api) -> None:
    journey_id = api.journey()

    answer = api.post(journey_id, intake()[0])

    assert answer.status_code == 201, answer.text
    assert answer.json()["version"] == 2
    assert answer.headers["etag"] == '"2"'


def test_same_idempotency_key_replays_the_first_answer_and_stores_nothing(api: Api) -> None:
    journey_id = api.journey()
    consultation, baseline, *_ = intake()
    first = api.post(journey_id, consultation, idempotency_key="visit-1")
    api.post(journey_id, baseline)  # the journey moves on before the retry arrives

    retry = api.post(journey_id, consultation, idempotency_key="visit-1")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    history = api.history(journey_id)
    assert [e["type"] for e in history] == [
        "JourneyOpened",
        "ConsultationCompleted",
        "OutcomeMeasureRecorded",
    ]
    assert history[1]["idempotency_key"] == "visit-1"


def test_same_idempotency_key_with_a_different_body_is_422(api: Api) -> None:
    journey_id = api.journey()
    consultation = intake()[0]
    api.post(journey_id, consultation, idempotency_key="visit-1")
    changed = step("ConsultationCompleted", consultation.occurred_at, weight_kg=71)

    answer = api.post(journey_id, changed, idempotency_key="visit-1")

    assert_problem(answer, 422, "idempotency_key_reused")
    assert api.version(journey_id) == 2


@pytest.mark.parametrize("authorization", [None, "Bearer kap_not-a-token", "Basic dXNlcjpw"])
def test_missing_or_bad_token_is_401_with_www_authenticate(
    api: Api, authorization: str | None
) -> None:
    journey_id = api.journey()
    headers = {"Authorization": authorization} if authorization else {}

    answers = [
        api.client.get(f"/v1/journeys/{journey_id}", headers=headers),
        api.client.post(
            f"/v1/journeys/{journey_id}/events", json=intake()[0].envelope(), headers=headers
        ),
    ]

    for answer in answers:
        assert_problem(answer, 401, "unauthenticated")
        assert answer.headers["www-authenticate"].startswith("Bearer")
    assert api.version(journey_id) == 1


@pytest.mark.parametrize("role", ["staff", "auditor", "admin"])
def test_only_clinic_systems_may_write(api: Api, role: str) -> None:
    journey_id = api.journey()
    token = api.tokens[role]

    assert_problem(api.post(journey_id, intake()[0], token=token), 403, "forbidden")
    assert_problem(api.open_journey("MRN-0099", token=token), 403, "forbidden")
    assert api.version(journey_id) == 1


@pytest.mark.parametrize("role", ["clinic_system", "admin"])
def test_only_staff_and_auditors_may_read(api: Api, role: str) -> None:
    journey_id = api.journey()
    token = api.tokens[role]

    assert_problem(api.status(journey_id, token=token), 403, "forbidden")
    assert_problem(api.history_answer(journey_id, token=token), 403, "forbidden")


def test_unknown_journey_is_404(api: Api) -> None:
    unknown = str(uuid.uuid4())

    assert_problem(api.status(unknown), 404)
    assert_problem(api.history_answer(unknown), 404)
    assert_problem(api.post(unknown, intake()[0]), 404)


def test_another_clinics_journey_is_404_for_reading_and_writing(api: Api) -> None:
    journey_id = api.journey()
    theirs = api.other_clinic

    assert_problem(api.status(journey_id, token=theirs["staff"]), 404)
    assert_problem(api.history_answer(journey_id, token=theirs["staff"]), 404)
    assert_problem(api.post(journey_id, intake()[0], token=theirs["clinic_system"]), 404)
    assert api.version(journey_id) == 1


def test_the_same_patient_ref_in_another_clinic_is_another_journey(api: Api) -> None:
    ours = api.open_journey("MRN-0042")
    theirs = api.open_journey("MRN-0042", token=api.other_clinic["clinic_system"])

    assert (ours.status_code, theirs.status_code) == (201, 201)
    assert ours.json()["journey_id"] != theirs.json()["journey_id"]


def test_a_refused_event_is_409_naming_the_rule(api: Api) -> None:
    journey_id = api.journey()
    consultation, _, _, consent, _ = intake()
    api.post(journey_id, consultation)

    answer = api.post(journey_id, consent)  # before screening

    body = assert_problem(answer, 409, "protocol_violation")
    assert body["rule"] == "J-03"
    assert answer.headers["content-type"] == "application/problem+json"
    assert api.version(journey_id) == 2


def test_a_stale_if_match_is_412_and_the_current_one_is_201(api: Api) -> None:
    journey_id = api.journey()
    consultation, baseline, *_ = intake()
    api.post(journey_id, consultation)

    stale = api.post(journey_id, baseline, if_match='"1"')
    current = api.post(journey_id, baseline, if_match='"2"')

    assert_problem(stale, 412, "version_mismatch")
    assert current.status_code == 201, current.text
    assert current.json()["version"] == 3


def test_a_malformed_event_is_422(api: Api) -> None:
    journey_id = api.journey()
    body = intake()[0].envelope()
    del body["data"]["mental_status_exam"]

    answer = api.post(journey_id, body)

    problem = assert_problem(answer, 422, "invalid_request")
    assert "mental_status_exam" in problem["detail"]
    assert api.version(journey_id) == 1


def test_a_malformed_opening_is_422(api: Api) -> None:
    answer = api.open_journey(protocol="kap-deluxe")

    assert_problem(answer, 422, "invalid_request")


def test_health_answers_without_a_token(api: Api) -> None:
    answer = api.client.get("/health")

    assert answer.status_code == 200
    assert answer.json()["database"] == "reachable"


@contextmanager
def connections_refused(database_url: str) -> Iterator[None]:
    """The database refuses new connections and drops the open ones, then recovers."""
    name = make_url(database_url).database
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
    try:
        yield
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_an_unreachable_database_is_503(api: Api) -> None:
    journey_id = api.journey()
    assert api.status(journey_id).status_code == 200

    with connections_refused(api.database_url):
        # The token lookup is the first query of a request, so it is what meets the outage.
        status = api.status(journey_id)
        write = api.post(journey_id, intake()[0])
        health = api.client.get("/health")

    assert_problem(status, 503, "database_unavailable")
    assert_problem(write, 503, "database_unavailable")
    assert health.status_code == 503
    assert health.json()["database"] == "unreachable"
    assert api.client.get("/health").status_code == 200
    # Once the database is back the app serves again: its event store pool replaces the
    # connections that were cut (psycopg_pool backs off between checks: about 6 s here).
    assert api.status(journey_id).status_code == 200
    assert api.version(journey_id) == 1


def test_an_opening_refused_for_want_of_a_token_creates_nothing(api: Api) -> None:
    answer = api.open_journey(token=NO_TOKEN)

    assert_problem(answer, 401)
    assert api.open_journey().status_code == 201


def test_an_unknown_path_or_method_is_a_problem_too(api: Api) -> None:
    journey_id = api.journey()

    assert_problem(api.client.get("/v2/journeys", headers=api.headers()), 404)
    assert_problem(api.client.delete(f"/v1/journeys/{journey_id}", headers=api.headers()), 405)
    assert api.version(journey_id) == 1
