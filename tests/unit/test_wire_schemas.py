"""The HTTP wire schemas accept the contract's shapes and refuse everything else."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from interface.http.schemas import (
    EVENT_TYPES,
    EventCreate,
    JourneyCreate,
    JourneyResumedData,
    KetamineAdministeredData,
    data_model_for,
)
from tests.examples import VALID_EVENT_DATA, VALID_JOURNEY_CREATE

EVENTS: TypeAdapter[Any] = TypeAdapter(EventCreate)


def envelope(event_type: str, data: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    body = {
        "type": event_type,
        "occurred_at": "2026-11-20T10:05:00-07:00",
        "recorded_by": {"id": "nurse-kim", "role": "nurse"},
        "data": copy.deepcopy(VALID_EVENT_DATA[event_type]) if data is None else data,
    }
    return body | extra


def refused(body: dict[str, Any]) -> bool:
    try:
        EVENTS.validate_python(body)
    except ValidationError:
        return True
    return False


def test_every_appendable_type_has_an_example() -> None:
    assert set(VALID_EVENT_DATA) == set(EVENT_TYPES)
    assert len(EVENT_TYPES) == len(set(EVENT_TYPES)) == 23


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_valid_example_validates(event_type: str) -> None:
    event = EVENTS.validate_python(envelope(event_type))
    assert event.type == event_type
    assert isinstance(event.data, data_model_for(event_type))


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_valid_example_validates_from_json(event_type: str) -> None:
    event = EVENTS.validate_json(json.dumps(envelope(event_type)))
    assert event.type == event_type


def test_journey_resumed_data_may_be_omitted() -> None:
    body = envelope("JourneyResumed")
    del body["data"]
    assert EVENTS.validate_python(body).data == JourneyResumedData()


def test_journey_create_example_validates_with_default_episode() -> None:
    body = {k: v for k, v in VALID_JOURNEY_CREATE.items() if k != "episode"}
    assert JourneyCreate.model_validate(body).episode == 1


@pytest.mark.parametrize("patient_ref", ["Jane Doe", "", "MRN/42", "x" * 65])
def test_patient_ref_that_is_not_a_record_number_refused(patient_ref: str) -> None:
    with pytest.raises(ValidationError):
        JourneyCreate.model_validate(VALID_JOURNEY_CREATE | {"patient_ref": patient_ref})


def test_journey_create_needs_a_presenting_concern() -> None:
    with pytest.raises(ValidationError):
        JourneyCreate.model_validate(VALID_JOURNEY_CREATE | {"presenting_concerns": []})


@pytest.mark.parametrize("event_type", ["JourneyOpened", "Nonsense", ""])
def test_unknown_or_unappendable_type_refused(event_type: str) -> None:
    assert refused(envelope("JourneyPaused") | {"type": event_type})


def test_unknown_field_in_data_refused() -> None:
    data = VALID_EVENT_DATA["KetamineAdministered"] | {"dose_mg_total": 35}
    assert refused(envelope("KetamineAdministered", data))


def test_unknown_field_in_nested_object_refused() -> None:
    data = copy.deepcopy(VALID_EVENT_DATA["VitalsRecorded"])
    data["vitals"]["temperature"] = 37
    assert refused(envelope("VitalsRecorded", data))


def test_unknown_field_in_envelope_refused() -> None:
    assert refused(envelope("JourneyPaused", total_score=12))


def test_yes_for_a_bool_refused() -> None:
    data = VALID_EVENT_DATA["ConsentSigned"] | {"risks_discussed": "yes"}
    assert refused(envelope("ConsentSigned", data))


@pytest.mark.parametrize("dose", ["35", True, 0, -5, 2001])
def test_bad_dose_refused(dose: Any) -> None:
    data = VALID_EVENT_DATA["KetamineAdministered"] | {"dose_mg": dose}
    assert refused(envelope("KetamineAdministered", data))


def test_fractional_dose_accepted() -> None:
    data = VALID_EVENT_DATA["KetamineAdministered"] | {"dose_mg": 37.5}
    assert EVENTS.validate_python(envelope("KetamineAdministered", data)).data.dose_mg == 37.5


def test_string_session_refused() -> None:
    assert refused(
        envelope("VitalsRecorded", VALID_EVENT_DATA["VitalsRecorded"] | {"session": "1"})
    )


def test_systolic_900_refused() -> None:
    data = {"session": 1, "vitals": {"systolic": 900, "diastolic": 80, "heart_rate": 70}}
    assert refused(envelope("VitalsRecorded", data))


def test_naive_datetime_refused() -> None:
    assert refused(envelope("JourneyPaused", occurred_at="2026-11-20T10:05:00"))
    data = VALID_EVENT_DATA["PreDoseCheckCompleted"] | {"last_food_at": "2026-11-20T02:00:00"}
    assert refused(envelope("PreDoseCheckCompleted", data))


@pytest.mark.parametrize("items", ["2,3,2", 17, {"1": 2}, [1, "2"], [5], [-1], [0] * 21])
def test_bad_scale_items_refused(items: Any) -> None:
    data = VALID_EVENT_DATA["OutcomeMeasureRecorded"] | {"items": items}
    assert refused(envelope("OutcomeMeasureRecorded", data))


def test_scale_item_count_is_left_to_the_domain() -> None:
    data = VALID_EVENT_DATA["OutcomeMeasureRecorded"] | {"items": [1, 2, 3]}
    assert not refused(envelope("OutcomeMeasureRecorded", data))


def test_blank_or_overlong_text_refused() -> None:
    assert refused(envelope("JourneyPaused", {"reason": "   "}))
    assert refused(envelope("JourneyPaused", {"reason": "x" * 5001}))


def test_overlong_list_refused() -> None:
    data = VALID_EVENT_DATA["PatientDischarged"] | {"instructions": ["rest"] * 51}
    assert refused(envelope("PatientDischarged", data))


def test_override_needs_a_reason() -> None:
    override = {"by": {"id": "dr-lee", "role": "prescriber"}}
    data = VALID_EVENT_DATA["KetamineAdministered"] | {"override": override}
    assert refused(envelope("KetamineAdministered", data))


def test_correction_needs_corrected_data() -> None:
    data = VALID_EVENT_DATA["EntryCorrected"] | {"data": {}}
    assert refused(envelope("EntryCorrected", data))


def test_data_model_for_names_the_model() -> None:
    assert data_model_for("KetamineAdministered") is KetamineAdministeredData
    assert all(issubclass(data_model_for(t), BaseModel) for t in EVENT_TYPES)


@pytest.mark.parametrize("event_type", ["JourneyOpened", "Unknown"])
def test_data_model_for_unknown_type_raises_key_error(event_type: str) -> None:
    with pytest.raises(KeyError):
        data_model_for(event_type)


def test_json_schema_discriminates_on_type() -> None:
    schema = EVENTS.json_schema()
    assert schema["discriminator"]["propertyName"] == "type"
    assert len(schema["oneOf"]) == len(EVENT_TYPES)


@given(
    event_type=st.sampled_from(EVENT_TYPES),
    key=st.text(min_size=1, max_size=40),
    value=st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    in_envelope=st.booleans(),
)
def test_any_extra_key_is_refused(event_type: str, key: str, value: Any, in_envelope: bool) -> None:
    body = envelope(event_type)
    target = body if in_envelope else body["data"]
    assume(key not in target)
    target[key] = value
    assert refused(body)
