"""POST /v1/journeys/events:batch: many events over many journeys, one answer each, in
order; a refused event stops only its own journey's later events."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from interface.http.app import create_app
from tests.integration.http.conftest import (
    NO_TOKEN,
    Api,
    Clock,
    assert_problem,
    build_settings,
)
from tests.story import START, Step, dosing_session, intake, step

BATCH = "/v1/journeys/events:batch"
DOSE_AT = START + timedelta(days=10)
LATER = START + timedelta(days=30)


def item(journey_id: str, s: Step, key: str | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"journey_id": journey_id, **s.envelope(), **changes}
    if key is not None:
        body["idempotency_key"] = key
    return body


def keyed(journey_id: str, steps: list[Step], prefix: str) -> list[dict[str, Any]]:
    return [item(journey_id, s, f"{prefix}-{n}") for n, s in enumerate(steps)]


def send(api: Api, events: list[Any], token: object = None) -> Response:
    api.clock.now = LATER
    return api.client.post(BATCH, json={"events": events}, headers=api.headers(token))


def results(answer: Response) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["results"]
    assert [r["index"] for r in found] == list(range(len(found)))
    return found


def statuses(answer: Response) -> list[int]:
    return [r["status"] for r in results(answer)]


def test_a_refused_event_stops_only_the_later_events_of_its_journey(api: Api):
    a, b = api.journey("MRN-A"), api.journey("MRN-B")
    dose_too_soon = dosing_session(1, DOSE_AT)[1]  # b is not even screened
    events = [
        *keyed(a, intake()[:2], "a"),
        *keyed(b, intake()[:2], "b"),
        item(b, dose_too_soon, "b-dose"),
        item(b, intake()[2], "b-after"),
        *keyed(a, intake()[2:], "a-rest"),
    ]

    answer = send(api, events)

    assert statuses(answer) == [201, 201, 201, 201, 409, 409, 201, 201, 201]
    found = results(answer)
    assert found[4]["body"]["code"] == "protocol_violation"
    assert found[4]["body"]["rule"]
    skipped = found[5]["body"]
    assert (skipped["code"], skipped["refused_index"]) == ("skipped_after_refusal", 4)
    assert answer.json()["counts"] == {"created": 7, "replayed": 0, "refused": 1, "skipped": 1}
    assert [e["version"] for e in api.history(a)] == [1, 2, 3, 4, 5, 6]
    assert [e["type"] for e in api.history(b)] == [
        "JourneyOpened",
        "ConsultationCompleted",
        "OutcomeMeasureRecorded",
    ]


def test_each_answer_is_the_one_a_single_append_gives(api: Api):
    a = api.journey("MRN-A")
    answer = send(api, keyed(a, intake(), "a"))

    bodies = [r["body"] for r in results(answer)]
    assert [b["version"] for b in bodies] == [2, 3, 4, 5, 6]
    assert [b["stage"] for b in bodies] == [
        "consulted",
        "consulted",
        "screened",
        "consented",
        "prepared",
    ]
    assert bodies[-1]["next_step"]["code"] == "pre_dose_check"
    positions = [e["position"] for e in api.history(a)[1:]]
    assert [b["position"] for b in bodies] == positions
    assert api.history(a)[1]["source"] == "ehr"
    assert api.history(a)[1]["idempotency_key"] == "a-0"


def test_a_rerun_answers_200_with_the_first_answers_and_stores_nothing_new(api: Api):
    a, b = api.journey("MRN-A"), api.journey("MRN-B")
    events = keyed(a, intake(), "a") + keyed(b, intake(), "b")
    first = results(send(api, events))

    again = send(api, events)

    assert statuses(again) == [200] * len(events)
    assert [r["body"] for r in results(again)] == [r["body"] for r in first]
    assert again.json()["counts"]["replayed"] == len(events)
    assert len(api.history(a)) == len(api.history(b)) == 6


def test_a_key_repeated_in_one_batch_answers_the_first_or_is_refused_if_it_differs(api: Api):
    a = api.journey("MRN-A")
    consult, baseline = intake()[:2]
    events = [
        item(a, consult, "k1"),
        item(a, consult, "k1"),
        item(a, baseline, "k1"),
        item(a, baseline, "k2"),
    ]

    answer = send(api, events)

    assert statuses(answer) == [201, 200, 422, 409]
    found = results(answer)
    assert found[1]["body"] == found[0]["body"]
    assert found[2]["body"]["code"] == "idempotency_key_reused"
    assert len(api.history(a)) == 2


def test_a_malformed_event_is_refused_alone_naming_its_field(api: Api):
    a, b = api.journey("MRN-A"), api.journey("MRN-B")
    consult = intake()[0]
    bad = item(a, consult)
    bad["data"] = {**consult.data, "weight_kg": "heavy"}
    events = [bad, item(a, intake()[1]), item(b, consult), 7, {"journey_id": "nope"}]

    answer = send(api, events)

    assert statuses(answer) == [422, 409, 201, 422, 422]
    problem = results(answer)[0]["body"]
    assert problem["code"] == "invalid_request"
    assert problem["errors"][0]["loc"][:3] == ["body", "events", 0]
    assert "weight_kg" in problem["detail"]
    assert results(answer)[1]["body"]["refused_index"] == 0
    assert len(api.history(a)) == 1


def test_another_clinics_journey_is_not_found_for_each_of_its_events(api: Api):
    ours = api.journey("MRN-A")
    theirs = api.client.post(
        "/v1/journeys",
        json={**_opening("MRN-B")},
        headers=api.headers(api.other_clinic["clinic_system"]),
    ).json()["journey_id"]
    events = [item(theirs, intake()[0]), item(ours, intake()[0]), item(theirs, intake()[1])]

    answer = send(api, events)

    assert statuses(answer) == [404, 201, 404]
    assert results(answer)[0]["body"]["code"] == "journey_not_found"


def _opening(patient_ref: str) -> dict[str, Any]:
    from tests.examples import VALID_JOURNEY_CREATE

    return {**VALID_JOURNEY_CREATE, "patient_ref": patient_ref, "occurred_at": START.isoformat()}


def test_a_correction_may_correct_an_event_of_the_same_batch(api: Api):
    a = api.journey("MRN-A")
    consult = intake()[0]
    correction = step("ConsultationCompleted", consult.occurred_at)
    fix = {
        "journey_id": a,
        "type": "EntryCorrected",
        "occurred_at": (consult.occurred_at + timedelta(hours=1)).isoformat(),
        "recorded_by": {"id": "prescriber-1", "role": "prescriber"},
        "data": {"corrects_version": 2, "reason": "Typo.", "data": {"weight_kg": 72}},
    }
    bad_fix = {**fix, "data": {**fix["data"], "data": {"weight_kg": "x"}}}

    answer = send(api, [item(a, correction), fix, bad_fix])

    assert statuses(answer) == [201, 201, 422]
    assert results(answer)[2]["body"]["errors"][0]["loc"][:5] == [
        "body",
        "events",
        2,
        "data",
        "data",
    ]
    assert len(api.history(a)) == 3


@pytest.mark.parametrize("role", ["staff", "auditor", "admin"])
def test_only_a_clinic_system_imports(api: Api, role: str):
    a = api.journey("MRN-A")
    answer = send(api, [item(a, intake()[0])], token=api.tokens[role])
    assert_problem(answer, 403, "forbidden")
    assert_problem(send(api, [item(a, intake()[0])], token=NO_TOKEN), 401)
    assert len(api.history(a)) == 1


def test_a_batch_holds_1_to_1000_events(api: Api):
    a = api.journey("MRN-A")
    vitals = step("VitalsRecorded", START + timedelta(hours=1), session=1)
    assert_problem(send(api, []), 422, "invalid_request")
    too_many = send(api, [item(a, vitals)] * 1001)
    assert_problem(too_many, 422, "invalid_request")
    assert len(api.history(a)) == 1
    # 1,000 events of one journey: each decided (a vitals reading needs a dose: 409s)
    assert len(results(send(api, [item(a, vitals)] * 1000))) == 1000


def test_the_json_guards_refuse_the_whole_batch(api: Api):
    a = api.journey("MRN-A")
    body = json.dumps({"events": [item(a, intake()[0])]})
    twice = body.replace('"journey_id"', '"journey_id": "x", "journey_id"', 1)
    answer = api.client.post(
        BATCH, content=twice, headers=api.headers(content_type="application/json")
    )
    assert_problem(answer, 422, "duplicate_key")


def _padded(events: list[Any], size: int) -> bytes:
    body = json.dumps({"events": events}).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


def test_the_batch_has_its_own_body_limit_on_both_sides_of_the_line(database_url: str):
    settings = build_settings(database_url).model_copy(
        update={"max_body_bytes": 1024, "max_batch_body_bytes": 4096}
    )
    app = create_app(settings, clock=Clock(LATER))
    with TestClient(app, raise_server_exceptions=False) as client:
        from interface.auth.roles import Role

        token = app.state.services.tokens.issue(Role.CLINIC_SYSTEM, "clinic-a", "ehr")
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        events = [{"journey_id": "0b7c6f1e-8f0a-5d7e-9a41-3c2d1e0f9a8b"}]
        at_limit = client.post(BATCH, content=_padded(events, 4096), headers=headers)
        over = client.post(BATCH, content=_padded(events, 4097), headers=headers)
        single_over = client.post(
            "/v1/journeys/0b7c6f1e-8f0a-5d7e-9a41-3c2d1e0f9a8b/events",
            content=_padded([], 1025),
            headers=headers,
        )
    assert at_limit.status_code == 200, at_limit.text
    assert results(at_limit)[0]["status"] == 422
    body = assert_problem(over, 413, "body_too_large")
    assert "4 KB" in body["detail"]
    assert_problem(single_over, 413, "body_too_large")
