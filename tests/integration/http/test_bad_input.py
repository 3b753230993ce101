"""Whatever a client sends, the answer is a 4xx problem, never a 500, and nothing is stored."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from httpx import Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interface.http.schemas import EVENT_TYPES
from tests.examples import VALID_EVENT_DATA
from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, intake, phq9, step

MAX_BODY = 256 * 1024


@pytest.fixture
def api(shared_api: Api) -> Api:
    """Every test here is refused, so one app and one journey serve them all."""
    return shared_api


@pytest.fixture
def journey_id(api: Api) -> str:
    """The journey with its consultation: version 2."""
    opened = api.open_journey()
    assert opened.status_code in (200, 201), opened.text
    journey_id = str(opened.json()["journey_id"])
    if opened.status_code == 201:
        api.post_all(journey_id, intake()[:1])
    assert api.version(journey_id) == 2
    return journey_id


def consent_body(**data: Any) -> dict[str, Any]:
    body = step("ConsentSigned", START + timedelta(hours=1)).envelope()
    body["data"].update(data)
    return body


def baseline_body(items: list[Any]) -> dict[str, Any]:
    return phq9(items, START + timedelta(hours=1)).envelope()


def assert_refused(
    api: Api, journey_id: str, answer: Response, status: int, code: str | None = None
) -> dict[str, Any]:
    """A problem answer, and the journey still at version 2."""
    problem = assert_problem(answer, status, code)
    assert api.version(journey_id) == 2, "a refused request stored something"
    return problem


@pytest.mark.parametrize(
    "content", ['{"type": ', "{'type': 'ConsentSigned'}", "\xff\xfe", "{}}", "tru"]
)
def test_malformed_json_is_422(api: Api, journey_id: str, content: str) -> None:
    answer = api.post_raw(journey_id, content.encode("latin-1"))

    assert_refused(api, journey_id, answer, 422, "invalid_json")


@pytest.mark.parametrize("content", ["", "null", "[]", '"ConsentSigned"', "42"])
def test_a_body_that_is_not_an_object_is_422(api: Api, journey_id: str, content: str) -> None:
    assert_refused(api, journey_id, api.post_raw(journey_id, content), 422)


@pytest.mark.parametrize(
    "content",
    [
        "[" * 50_000 + "]" * 50_000,
        '{"type": "ConsentSigned", "occurred_at": ' + "9" * 5000 + "}",
    ],
    ids=["nested-too-deep", "int-too-long"],
)
def test_json_the_parser_cannot_take_is_422(api: Api, journey_id: str, content: str) -> None:
    assert_refused(api, journey_id, api.post_raw(journey_id, content), 422, "invalid_json")


@pytest.mark.parametrize("event_type", ["KetamineInjected", "JourneyOpened", "", 7, None])
def test_unknown_event_type_is_422(api: Api, journey_id: str, event_type: Any) -> None:
    body = consent_body()
    body["type"] = event_type

    assert_refused(api, journey_id, api.post(journey_id, body), 422)


def test_missing_event_type_is_422(api: Api, journey_id: str) -> None:
    body = consent_body()
    del body["type"]

    assert_refused(api, journey_id, api.post(journey_id, body), 422)


def test_unknown_field_in_the_envelope_is_422(api: Api, journey_id: str) -> None:
    body = {**consent_body(), "recorded_at": START.isoformat()}

    problem = assert_refused(api, journey_id, api.post(journey_id, body), 422, "invalid_request")
    assert "recorded_at" in problem["detail"]


def test_unknown_field_in_the_data_is_422(api: Api, journey_id: str) -> None:
    problem = assert_refused(
        api, journey_id, api.post(journey_id, consent_body(risk_discussed=True)), 422
    )
    assert "risk_discussed" in problem["detail"]


def test_unknown_field_in_nested_data_is_422(api: Api, journey_id: str) -> None:
    body = consent_body()
    body["recorded_by"]["name"] = "Sam"

    assert_refused(api, journey_id, api.post(journey_id, body), 422)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("risks_discussed", "yes"),
        ("risks_discussed", 1),
        ("risks_discussed", None),
        ("form", 12),
        ("form", ""),
        ("form", "   "),
        ("form_version", ["2026-01"]),
    ],
)
def test_wrong_types_are_422(api: Api, journey_id: str, field: str, value: Any) -> None:
    assert_refused(api, journey_id, api.post(journey_id, consent_body(**{field: value})), 422)


def test_a_number_as_a_string_is_422(api: Api, journey_id: str) -> None:
    body = intake()[0].envelope()
    body["data"]["adequate_antidepressant_trials"] = "3"

    assert_refused(api, journey_id, api.post(journey_id, body), 422)


@pytest.mark.parametrize(
    ("instrument", "items"),
    [
        ("PHQ-9", [1] * 8),
        ("PHQ-9", [1] * 10),
        ("PHQ-9", [1, 1, 1, 1, 1, 1, 4, 1, 0]),
        ("GAD-7", [1] * 9),
        ("C-SSRS", [0, 0, 2, 0, 0, 0]),
        ("PCL-5", [1] * 19),
    ],
)
def test_scale_answers_of_the_wrong_count_or_range_are_409_j14(
    api: Api, journey_id: str, instrument: str, items: list[int]
) -> None:
    body = baseline_body(items)
    body["data"]["instrument"] = instrument

    problem = assert_refused(api, journey_id, api.post(journey_id, body), 409, "protocol_violation")
    assert problem["rule"] == "J-14"


@pytest.mark.parametrize("bad", [7, -1, 1.5, True, "2", None])
def test_a_scale_answer_no_scale_has_is_refused(api: Api, journey_id: str, bad: Any) -> None:
    items: list[Any] = [1, 1, 1, 1, 1, 1, 1, 1, 0]
    items[6] = bad

    answer = api.post(journey_id, baseline_body(items))

    assert answer.status_code in (409, 422), answer.text
    assert_refused(api, journey_id, answer, answer.status_code)


@pytest.mark.parametrize(
    "vitals",
    [
        {"systolic": 900, "diastolic": 82, "heart_rate": 74},
        {"systolic": 128, "diastolic": 0, "heart_rate": 74},
        {"systolic": 128, "diastolic": 82, "heart_rate": 400},
        {"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 101},
        {"systolic": 128, "diastolic": 82},
        {"systolic": 128.5, "diastolic": 82, "heart_rate": 74},
        {"systolic": 128, "diastolic": 82, "heart_rate": 74, "temperature": 37},
    ],
)
def test_impossible_vitals_are_422(api: Api, journey_id: str, vitals: dict[str, Any]) -> None:
    consultation = intake()[0].envelope()
    consultation["data"]["vitals"] = vitals

    assert_refused(api, journey_id, api.post(journey_id, consultation), 422, "invalid_request")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 0, 10_000])
def test_impossible_weights_are_422(api: Api, journey_id: str, value: float) -> None:
    consultation = intake()[0].envelope()
    consultation["data"]["weight_kg"] = "WEIGHT"
    content = json.dumps(consultation).replace('"WEIGHT"', json.dumps(value))

    assert_refused(api, journey_id, api.post_raw(journey_id, content), 422, "invalid_request")


@pytest.mark.parametrize("not_a_uuid", ["not-a-uuid", "1234", "00000000-0000-0000-0000"])
def test_a_journey_id_that_is_not_a_uuid_is_422(api: Api, not_a_uuid: str) -> None:
    assert_problem(api.post(not_a_uuid, consent_body()), 422, "invalid_request")
    assert_problem(api.status(not_a_uuid), 422, "invalid_request")
    assert_problem(api.history_answer(not_a_uuid), 422, "invalid_request")


def oversized_consent() -> dict[str, Any]:
    return consent_body(form="x" * (MAX_BODY + 10))


def test_a_body_over_256_kb_is_413(api: Api, journey_id: str) -> None:
    answer = api.post(journey_id, oversized_consent())

    assert_refused(api, journey_id, answer, 413, "body_too_large")


def test_a_chunked_body_over_256_kb_is_413(api: Api, journey_id: str) -> None:
    content = json.dumps(oversized_consent()).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(content), 64 * 1024):
            yield content[start : start + 64 * 1024]

    answer = api.post_raw(journey_id, chunks())

    assert_refused(api, journey_id, answer, 413, "body_too_large")


def test_a_body_just_under_the_limit_is_not_413(api: Api, journey_id: str) -> None:
    body = consent_body(form="x" * (MAX_BODY - 2000))

    assert_refused(api, journey_id, api.post(journey_id, body), 422, "invalid_request")


@pytest.mark.parametrize("ahead", [timedelta(minutes=10), timedelta(days=365 * 30)])
def test_occurred_at_in_the_future_is_409_j15(api: Api, journey_id: str, ahead: timedelta) -> None:
    body = consent_body()
    body["occurred_at"] = (api.clock.now + ahead).isoformat()

    problem = assert_refused(api, journey_id, api.post(journey_id, body), 409, "protocol_violation")
    assert problem["rule"] == "J-15"


def test_occurred_at_before_the_journey_opened_is_409_j15(api: Api, journey_id: str) -> None:
    body = consent_body()
    body["occurred_at"] = (START - timedelta(days=1)).isoformat()

    problem = assert_refused(api, journey_id, api.post(journey_id, body), 409)
    assert problem["rule"] == "J-15"


@pytest.mark.parametrize(
    "occurred_at", ["2026-10-01T10:00:00", "2026-10-01", "yesterday", "", None, [2026, 10, 1]]
)
def test_a_time_without_offset_or_not_a_time_is_422(
    api: Api, journey_id: str, occurred_at: Any
) -> None:
    body = consent_body()
    body["occurred_at"] = occurred_at

    assert_refused(api, journey_id, api.post(journey_id, body), 422, "invalid_request")


def test_a_naive_time_inside_the_data_is_422(api: Api, journey_id: str) -> None:
    body = step("PreDoseCheckCompleted", START + timedelta(hours=1)).envelope()
    body["data"]["last_food_at"] = "2026-10-01T02:00:00"

    assert_refused(api, journey_id, api.post(journey_id, body), 422, "invalid_request")


def test_opening_with_a_naive_time_is_422(api: Api) -> None:
    answer = api.open_journey("MRN-0043", occurred_at="2026-10-01T09:00:00")

    assert_problem(answer, 422, "invalid_request")


@pytest.mark.parametrize(
    "key", ["has space", "x" * 201, "", "tab\there", "ключ".encode(), b"\x7f"], ids=repr
)
def test_a_bad_idempotency_key_is_422(api: Api, journey_id: str, key: Any) -> None:
    answer = api.post(journey_id, consent_body(), idempotency_key=key)

    assert_refused(api, journey_id, answer, 422, "invalid_request")


@pytest.mark.parametrize("if_match", ['"abc"', '"-1"', '"1", "2"', '"9999999999"', ""])
def test_a_bad_if_match_is_refused(api: Api, journey_id: str, if_match: str) -> None:
    answer = api.post(journey_id, intake()[1], if_match=if_match)

    assert_refused(api, journey_id, answer, 412, "invalid_if_match")


@pytest.mark.parametrize("when", [1791680400, "2026-10-11t01:00:00z", "2026-10-11 01:00"])
def test_a_time_that_is_not_iso_8601_with_an_offset_is_422(
    api: Api, journey_id: str, when: Any
) -> None:
    body = intake()[0].envelope()
    body["occurred_at"] = when

    answer = api.post(journey_id, body)

    assert_refused(api, journey_id, answer, 422, "invalid_request")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


def mutated_data(event_type: str) -> st.SearchStrategy[dict[str, Any]]:
    """The example data of a type as it is, or with one field replaced, dropped or added."""
    example = VALID_EVENT_DATA[event_type]
    keys = [*sorted(example), "unexpected"]
    changed = st.tuples(st.sampled_from(keys), json_values, st.booleans()).map(
        lambda change: (
            {**copy.deepcopy(example), change[0]: change[1]}
            if change[2]
            else {k: v for k, v in example.items() if k != change[0]}
        )
    )
    return st.just(copy.deepcopy(example)) | changed


VALID_TIME = (START + timedelta(hours=2)).isoformat()
VALID_ACTOR = {"id": "prescriber-1", "role": "prescriber"}

envelopes = st.sampled_from(EVENT_TYPES).flatmap(
    lambda event_type: st.fixed_dictionaries(
        {
            "type": st.just(event_type),
            "occurred_at": st.sampled_from([VALID_TIME] * 4 + ["2026-10-01T11:00:00", "soon"]),
            "recorded_by": st.sampled_from([VALID_ACTOR] * 4 + [{"id": "", "role": "x"}, {}]),
            "data": st.one_of(mutated_data(event_type), json_values),
        }
    )
)


@pytest.fixture
def fuzzed_journey(api: Api) -> str:
    """A journey of its own: a random body may be a valid event and change it."""
    opened = api.open_journey("MRN-FUZZ")
    api.clock.follow(START + timedelta(hours=3))
    assert opened.status_code in (200, 201), opened.text
    return str(opened.json()["journey_id"])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=st.one_of(json_values, envelopes))
def test_random_bodies_never_get_a_500(api: Api, fuzzed_journey: str, body: Any) -> None:
    before = api.version(fuzzed_journey)

    answer = api.post_raw(fuzzed_journey, json.dumps(body))

    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        assert_problem(answer, answer.status_code)
    stored = 1 if answer.status_code == 201 else 0
    assert api.version(fuzzed_journey) == before + stored
