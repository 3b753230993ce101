"""Every appendable event type has all four parts, and they agree field for field: the
wire model (what a client sends), the domain payload (what is stored), the command that
records it and the fold that applies it."""

from __future__ import annotations

import inspect
from typing import Any, get_args, get_type_hints

import pytest
from pydantic import BaseModel

from domain.fold import HANDLERS
from domain.journey import APPENDABLE, COMMANDS, Journey
from domain.payloads import PAYLOADS, PayloadType
from interface.http.payloads import payload_of, record_type_in
from interface.http.schemas import EVENT_TYPES, data_model_for
from tests.examples import VALID_EVENT_DATA

TYPES = sorted(EVENT_TYPES)


def wire_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    """``name`` for a required field, ``name?`` for an optional one, nested as ``a.b``."""
    found = set()
    for attribute, field in model.model_fields.items():
        name = field.alias or attribute  # the name on the wire (``class`` is ``class_``)
        found.add(f"{prefix}{name}{'' if field.is_required() else '?'}")
        nested = [a for a in (field.annotation, *get_args(field.annotation)) if _is_model(a)]
        for inner in nested:
            found |= wire_fields(inner, f"{prefix}{name}.")
    return found


def payload_fields(shape: PayloadType, prefix: str = "") -> set[str]:
    found = set()
    optional: frozenset[str] = shape.__optional_keys__  # type: ignore[attr-defined]
    for name, hint in get_type_hints(shape).items():
        found.add(f"{prefix}{name}{'?' if name in optional else ''}")
        inner = record_type_in(hint)
        if inner is not None:
            found |= payload_fields(inner, f"{prefix}{name}.")
    return found


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def test_the_wire_the_payloads_the_commands_and_the_event_classes_name_the_same_types():
    assert set(EVENT_TYPES) == set(APPENDABLE)
    assert set(PAYLOADS) == set(APPENDABLE) | {"JourneyOpened"}
    assert {c.__name__ for c in COMMANDS} == set(APPENDABLE) - {"EntryCorrected"}
    assert set(HANDLERS) == {PAYLOADS[t] for t in APPENDABLE} - {PAYLOADS["EntryCorrected"]}


@pytest.mark.parametrize("type_", TYPES)
def test_the_wire_model_and_the_domain_payload_have_the_same_fields(type_):
    assert wire_fields(data_model_for(type_)) == payload_fields(PAYLOADS[type_])


@pytest.mark.parametrize("type_", TYPES)
def test_the_event_class_stores_its_payload_and_states_its_version(type_):
    event_class = APPENDABLE[type_]
    assert event_class.__name__ == type_
    assert get_type_hints(event_class)["data"] is PAYLOADS[type_]
    assert "class_version" in vars(event_class), "each event class states its own version"


@pytest.mark.parametrize("type_", TYPES)
def test_the_command_takes_the_payload_and_the_fold_applies_it(type_):
    event_class = APPENDABLE[type_]
    command = COMMANDS.get(event_class, Journey.correct_entry)
    assert get_type_hints(command)["data"] is PAYLOADS[type_]
    assert list(inspect.signature(command).parameters)[:2] == ["self", "data"]
    if type_ == "EntryCorrected":  # re-applies the entry it corrects, by that entry's type
        assert "apply" in vars(Journey.EntryCorrected)
    else:
        assert PAYLOADS[type_] in HANDLERS
        assert "apply" not in vars(event_class)


def test_the_opening_stores_its_payload_and_states_its_version():
    assert get_type_hints(Journey.JourneyOpened)["data"] is PAYLOADS["JourneyOpened"]
    assert Journey.JourneyOpened.class_version == 2  # the seal's version, stated on it
    assert "class_version" in vars(Journey)


@pytest.mark.parametrize("type_", TYPES)
def test_the_interface_maps_valid_wire_data_onto_the_payload_unchanged(type_):
    """Today every wire field is stored, in the order and form the wire dumps it."""
    if type_ not in VALID_EVENT_DATA:
        pytest.skip("no example")
    model = data_model_for(type_).model_validate(VALID_EVENT_DATA[type_])
    dumped = model.model_dump(mode="json", exclude_unset=True, by_alias=True)

    assert payload_of(type_, model) == dumped
    assert list(payload_of(type_, model)) == list(dumped)


def test_a_wire_field_the_domain_does_not_declare_is_not_stored():
    class Widened(data_model_for("JourneyPaused")):  # type: ignore[misc,valid-type]
        until: str | None = None

    wire = Widened.model_validate({"reason": "Travelling.", "until": "2027-01-01"})

    assert payload_of("JourneyPaused", wire) == {"reason": "Travelling."}


def test_optional_fields_left_out_stay_out_and_nested_ones_too():
    model = data_model_for("KetamineAdministered").model_validate(
        {**VALID_EVENT_DATA["KetamineAdministered"], "override": None}
        | {"therapist_present": "ther-ana"}
    )
    stored = payload_of("KetamineAdministered", model)
    assert stored["override"] is None
    assert "prescriber_on_site" in stored  # sent as null in the example: kept as null

    vitals = {"systolic": 120, "diastolic": 80, "heart_rate": 70}
    recorded = data_model_for("VitalsRecorded").model_validate({"session": 1, "vitals": vitals})
    assert payload_of("VitalsRecorded", recorded) == {"session": 1, "vitals": vitals}
