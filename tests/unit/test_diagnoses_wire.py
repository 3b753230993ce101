"""The consultation's diagnoses on the wire: the documented example stores as it reads."""

from __future__ import annotations

from pydantic import TypeAdapter

from domain.diagnoses import is_verified
from interface.http.payloads import payload_of
from interface.http.schemas import EventCreate
from interface.http.schemas.clinical import CONSULTATION_COMPLETED_EXAMPLE


def test_the_documented_consultation_example_is_accepted_as_it_reads():
    body = TypeAdapter(EventCreate).validate_python(CONSULTATION_COMPLETED_EXAMPLE)

    stored = payload_of("ConsultationCompleted", body.data)

    assert stored["diagnoses"] == CONSULTATION_COMPLETED_EXAMPLE["data"]["diagnoses"]
    assert all(is_verified(d["code"]) for d in stored["diagnoses"])


def test_a_code_is_normalised_before_it_is_stored():
    example = {**CONSULTATION_COMPLETED_EXAMPLE}
    example["data"] = {**example["data"], "diagnoses": [{"code": " f4312"}]}

    body = TypeAdapter(EventCreate).validate_python(example)

    assert payload_of("ConsultationCompleted", body.data)["diagnoses"] == [{"code": "F43.12"}]
