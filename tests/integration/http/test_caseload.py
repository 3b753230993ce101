"""GET /v1/journeys, the caseload: filters, search, sorts, keyset pages, clinic isolation,
roles, and read-your-writes through the log position an append answers with."""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import Response

from tests.integration.http.conftest import NO_TOKEN, Api, assert_problem
from tests.story import START, Step, dosing_session, intake, phq9, step

DOSE_DAY = START + timedelta(days=10)
DISCHARGED_AT = next(
    s.occurred_at for s in dosing_session(1, DOSE_DAY) if s.type == "PatientDischarged"
)
INTEGRATION_DUE = DISCHARGED_AT + timedelta(days=7)


def caseload(api: Api, token: object = None, **params: Any) -> Response:
    """GET /v1/journeys as clinic-a's staff (or ``token``)."""
    answer: Response = api.client.get(
        "/v1/journeys", params=params, headers=api.headers(token or api.tokens["staff"])
    )
    return answer


def store_position(api: Api) -> int:
    answer = api.client.get("/health")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["store_position"])


def read(api: Api, token: object = None, **params: Any) -> dict[str, Any]:
    """A caseload page that includes everything stored so far (read-your-writes)."""
    params.setdefault("after_position", store_position(api))
    answer = caseload(api, token, **params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body["read_model_position"] >= params["after_position"], body
    return body


def refs(body: dict[str, Any]) -> list[str]:
    return [j["patient_ref"] for j in body["journeys"]]


def by_ref(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {j["patient_ref"]: j for j in body["journeys"]}


def suicidal_ideation(at_offset: timedelta = timedelta(hours=1)) -> list[Step]:
    """Consultation, then a baseline PHQ-9 whose item 9 is 1: a safety hold."""
    return [
        step("ConsultationCompleted", START + at_offset),
        phq9([2, 2, 2, 2, 2, 2, 2, 2, 1], START + at_offset + timedelta(minutes=30)),
    ]


def discharged_not_integrated() -> list[Step]:
    """Intake and a first KAP session discharged, its integration still to come."""
    return intake() + dosing_session(1, DOSE_DAY, integrate=False)


def walk(api: Api, sort: str, limit: int, between_pages: Any = None) -> list[str]:
    """Every page of a sort, following next_cursor; ``between_pages`` runs after page one."""
    seen: list[str] = []
    cursor = None
    for page in range(100):
        params: dict[str, Any] = {"sort": sort, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        body = read(api, **params)
        assert len(body["journeys"]) <= limit
        seen += [j["journey_id"] for j in body["journeys"]]
        cursor = body["next_cursor"]
        if page == 0 and between_pages:
            between_pages()
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ran out")


# --- filters ---------------------------------------------------------------------------


def test_stage_filter_shows_only_that_stage(api: Api) -> None:
    consulted = api.journey("MRN-1")
    api.journey("MRN-2")
    api.journey("MRN-3")
    api.post(consulted, intake()[0])

    assert refs(read(api, stage="consulted")) == ["MRN-1"]
    assert sorted(refs(read(api, stage="opened"))) == ["MRN-2", "MRN-3"]
    assert refs(read(api, stage="in_treatment")) == []


def test_a_phq9_item_9_answer_puts_the_journey_under_the_safety_hold_flag(api: Api) -> None:
    held = api.journey("MRN-1")
    api.journey("MRN-2")
    api.post_all(held, suicidal_ideation())

    body = read(api, flag="safety_hold")

    assert refs(body) == ["MRN-1"]
    (row,) = body["journeys"]
    assert row["flags"] == ["safety_hold"]
    assert row["next_step"]["code"] == "safety_review"
    assert by_ref(read(api))["MRN-2"]["flags"] == []


def test_integration_overdue_appears_once_the_clock_passes_seven_days_without_an_event(
    api: Api,
) -> None:
    late = api.journey("MRN-1")
    api.journey("MRN-2")
    api.post_all(late, discharged_not_integrated())
    api.clock.now = INTEGRATION_DUE - timedelta(minutes=1)
    before = read(api)

    assert read(api, flag="integration_overdue")["journeys"] == []
    assert by_ref(before)["MRN-1"]["flags"] == []

    api.clock.now = INTEGRATION_DUE + timedelta(minutes=1)
    after = read(api)

    assert refs(read(api, flag="integration_overdue")) == ["MRN-1"]
    assert by_ref(after)["MRN-1"]["flags"] == ["integration_overdue"]
    assert by_ref(after)["MRN-2"]["flags"] == []
    assert after["read_model_position"] == before["read_model_position"]  # no new event


def test_at_the_very_due_time_the_caseload_agrees_with_the_journey_status(api: Api) -> None:
    late = api.journey("MRN-1")
    api.post_all(late, discharged_not_integrated())
    api.clock.now = INTEGRATION_DUE

    status_flags = api.status(late).json()["flags"]
    caseload_flags = by_ref(read(api))["MRN-1"]["flags"]

    assert caseload_flags == status_flags


def test_an_adverse_event_flags_the_journey(api: Api) -> None:
    reported = api.journey("MRN-1")
    api.journey("MRN-2")
    steps = intake() + dosing_session(1, DOSE_DAY)
    steps.insert(-1, step("AdverseEventReported", DOSE_DAY + timedelta(minutes=30)))
    api.post_all(reported, steps)

    body = read(api, flag="adverse_event")

    assert refs(body) == ["MRN-1"]
    assert "adverse_event" in body["journeys"][0]["flags"]


def test_clinician_filter_shows_only_their_journeys(api: Api) -> None:
    api.journey("MRN-1", primary_clinician="dr-lee")
    api.journey("MRN-2", primary_clinician="dr-okafor")
    api.journey("MRN-3", primary_clinician="dr-lee")

    assert sorted(refs(read(api, clinician="dr-lee"))) == ["MRN-1", "MRN-3"]
    assert refs(read(api, clinician="dr-okafor")) == ["MRN-2"]
    assert {j["primary_clinician"] for j in read(api)["journeys"]} == {"dr-lee", "dr-okafor"}
    assert refs(read(api, clinician="dr-nobody")) == []


def test_q_matches_patient_references_by_prefix(api: Api) -> None:
    for ref in ("MRN-1", "MRN-10", "MRN-12", "XMRN-1", "MRN-2", "MRN_1X"):
        api.journey(ref)

    assert sorted(refs(read(api, q="MRN-1"))) == ["MRN-1", "MRN-10", "MRN-12"]
    assert refs(read(api, q="MRN-12")) == ["MRN-12"]
    assert refs(read(api, q="XMRN")) == ["XMRN-1"]


def test_q_takes_percent_and_underscore_literally(api: Api) -> None:
    for ref in ("MRN-1", "MRN-10", "MRN_1X"):
        api.journey(ref)

    assert refs(read(api, q="MRN_")) == ["MRN_1X"]
    assert refs(read(api, q="MRN%")) == []
    assert refs(read(api, q="%")) == []
    assert refs(read(api, q="_")) == []


def test_q_is_case_sensitive_like_the_reference(api: Api) -> None:
    api.journey("MRN-1")

    assert refs(read(api, q="mrn-1")) == []


# --- sorts -----------------------------------------------------------------------------


def test_attention_puts_the_safety_hold_first_then_the_overdue_duty(api: Api) -> None:
    plain = [api.journey(ref) for ref in ("MRN-A", "MRN-B", "MRN-C")]
    overdue = api.journey("MRN-LATE")
    held = api.journey("MRN-HOLD")
    api.post_all(overdue, discharged_not_integrated())
    api.post_all(held, suicidal_ideation())
    api.clock.now = INTEGRATION_DUE + timedelta(days=1)

    body = read(api, sort="attention")

    assert refs(body)[:2] == ["MRN-HOLD", "MRN-LATE"]
    assert sorted(refs(body)[2:]) == ["MRN-A", "MRN-B", "MRN-C"]
    assert [j["journey_id"] for j in body["journeys"][2:]] == sorted(plain)
    assert read(api)["journeys"] == body["journeys"]  # attention is the default sort


def test_recent_puts_the_latest_recorded_event_first(api: Api) -> None:
    first = api.journey("MRN-1")
    api.clock.now += timedelta(hours=1)
    api.journey("MRN-2")
    api.clock.now += timedelta(hours=1)
    api.journey("MRN-3")
    api.clock.now += timedelta(hours=1)
    api.post(first, intake()[0])

    body = read(api, sort="recent")

    assert refs(body) == ["MRN-1", "MRN-3", "MRN-2"]
    times = [j["last_event_at"] for j in body["journeys"]]
    assert times == sorted(times, reverse=True)


def test_patient_sorts_by_reference(api: Api) -> None:
    for ref in ("MRN-C", "MRN-A", "MRN-10", "MRN-B", "MRN-2"):
        api.journey(ref)

    assert refs(read(api, sort="patient")) == ["MRN-10", "MRN-2", "MRN-A", "MRN-B", "MRN-C"]


# --- pages -----------------------------------------------------------------------------


def ten_journeys(api: Api) -> list[str]:
    """Ten journeys, ties in the attention and recent keys (the clock steps every other
    one), one under a safety hold."""
    opened = []
    for n in range(10):
        if n % 2:
            api.clock.now += timedelta(minutes=5)
        opened.append(api.journey(f"MRN-{n:02d}", episode=1 + n % 3))
    api.post_all(opened[7], suicidal_ideation())
    return opened


def test_pages_of_three_walk_every_journey_once_in_order(api: Api) -> None:
    ten_journeys(api)

    for sort in ("attention", "recent", "patient"):
        whole = [j["journey_id"] for j in read(api, sort=sort, limit=200)["journeys"]]
        walked = walk(api, sort, 3)

        assert len(whole) == 10
        assert walked == whole, sort


def test_a_journey_opened_between_pages_neither_repeats_nor_drops_one(api: Api) -> None:
    ten_journeys(api)
    newcomers: list[str] = []

    def open_one() -> None:
        api.clock.now += timedelta(hours=1)
        newcomers.append(api.journey(f"MRN-05{len(newcomers)}"))

    for sort in ("attention", "recent", "patient"):
        whole = [j["journey_id"] for j in read(api, sort=sort, limit=200)["journeys"]]
        walked = walk(api, sort, 3, between_pages=open_one)

        assert len(walked) == len(set(walked)), walked
        assert [j for j in walked if j in whole] == whole
        assert set(walked) - set(whole) <= set(newcomers)
    assert len(newcomers) == 3


def test_a_cursor_of_another_sort_is_refused(api: Api) -> None:
    api.journey("MRN-1")
    api.journey("MRN-2")
    cursor = read(api, sort="patient", limit=1)["next_cursor"]
    assert cursor

    assert caseload(api, sort="patient", limit=1, cursor=cursor).status_code == 200
    for other in ("attention", "recent"):
        assert_problem(caseload(api, sort=other, cursor=cursor), 422, "invalid_cursor")


def cursor_of(payload: object) -> str:
    """A cursor as this service spells them (URL-safe base64 of JSON, unpadded)."""
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


NOT_OURS = {
    "garbage": "garbage",
    "not base64": "!!!!",
    "not JSON": cursor_of("x")[:-2],
    "a list": cursor_of([]),
    "no after": cursor_of({"sort": "attention"}),
    "after not a pair": cursor_of({"sort": "attention", "after": None}),
    "not a uuid": cursor_of({"sort": "attention", "after": ["1|x|99", "nope"]}),
    "not a time": cursor_of({"sort": "recent", "after": ["yesterday", str(uuid.uuid4())]}),
    "no sort": cursor_of({"after": ["MRN-1", str(uuid.uuid4())]}),
}


@pytest.mark.parametrize("cursor", NOT_OURS.values(), ids=NOT_OURS.keys())
def test_a_cursor_this_service_did_not_give_is_refused(shared_api: Api, cursor: str) -> None:
    assert_problem(caseload(shared_api, cursor=cursor), 422, "invalid_cursor")


def test_a_cursor_whose_journey_id_is_a_number_is_refused(shared_api: Api) -> None:
    cursor = cursor_of({"sort": "patient", "after": ["MRN-1", 12]})

    assert_problem(caseload(shared_api, sort="patient", cursor=cursor), 422, "invalid_cursor")


@pytest.mark.parametrize("limit", [0, -1, 201])
def test_limit_outside_1_to_200_is_refused(shared_api: Api, limit: int) -> None:
    assert_problem(caseload(shared_api, limit=limit), 422, "invalid_request")


@pytest.mark.parametrize("limit", [1, 200])
def test_limit_at_its_bounds_is_answered(shared_api: Api, limit: int) -> None:
    assert caseload(shared_api, limit=limit).status_code == 200


# --- who sees what ---------------------------------------------------------------------


def test_each_clinic_sees_only_its_own_journeys(api: Api) -> None:
    mine = {api.journey("MRN-1"), api.journey("MRN-2")}
    theirs = api.open_journey("MRN-1", token=api.other_clinic["clinic_system"])
    assert theirs.status_code == 201, theirs.text

    seen_by_a = read(api)
    seen_by_b = read(api, token=api.other_clinic["staff"])

    assert {j["journey_id"] for j in seen_by_a["journeys"]} == mine
    assert [j["journey_id"] for j in seen_by_b["journeys"]] == [theirs.json()["journey_id"]]
    assert read(api, token=api.other_clinic["staff"], q="MRN-2")["journeys"] == []
    for sort in ("attention", "recent", "patient"):
        assert len(read(api, token=api.other_clinic["staff"], sort=sort)["journeys"]) == 1


@pytest.mark.parametrize(
    ("role", "status"), [("staff", 200), ("auditor", 200), ("clinic_system", 403), ("admin", 403)]
)
def test_staff_and_auditors_read_the_caseload(shared_api: Api, role: str, status: int) -> None:
    answer = caseload(shared_api, shared_api.tokens[role])

    if status == 200:
        assert answer.status_code == 200, answer.text
    else:
        assert_problem(answer, status, "forbidden")


def test_without_a_token_the_caseload_is_401(shared_api: Api) -> None:
    assert_problem(caseload(shared_api, NO_TOKEN), 401, "unauthenticated")


# --- read-your-writes ------------------------------------------------------------------


def test_after_position_shows_the_write_it_names(api: Api) -> None:
    journey_id = api.journey("MRN-1")
    for s in intake()[:3]:
        appended = api.post(journey_id, s)
        assert appended.status_code == 201, appended.text
        position = appended.json()["position"]

        answer = caseload(api, after_position=position)  # at once: no sleep, no poll

        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["read_model_position"] >= position
        assert by_ref(body)["MRN-1"]["stage"] == appended.json()["stage"]
        assert by_ref(body)["MRN-1"]["version"] == appended.json()["version"]


def test_a_posted_event_shows_up_within_a_second(api: Api) -> None:
    journey_id = api.journey("MRN-1")
    read(api)
    appended = api.post(journey_id, intake()[0])
    assert appended.status_code == 201, appended.text

    deadline = time.monotonic() + 1.0
    stage = None
    while time.monotonic() < deadline:
        answer = caseload(api)
        assert answer.status_code == 200, answer.text
        stage = by_ref(answer.json())["MRN-1"]["stage"]
        if stage == "consulted":
            break
        time.sleep(0.02)

    assert stage == "consulted"


def test_after_position_beyond_the_store_gives_up_after_two_seconds(shared_api: Api) -> None:
    beyond = store_position(shared_api) + 1_000_000
    started = time.monotonic()

    answer = caseload(shared_api, after_position=beyond)

    waited = time.monotonic() - started
    assert answer.status_code == 200, answer.text
    assert 1.9 <= waited < 4.0, waited
    assert answer.json()["read_model_position"] < beyond


def test_store_position_is_the_last_appends_position(api: Api) -> None:
    journey_id = api.journey("MRN-1")
    answers = api.post_all(journey_id, intake()[:2])
    last = answers[-1].json()["position"]

    body = read(api, after_position=last)

    assert body["store_position"] == last
    assert body["read_model_position"] == last
