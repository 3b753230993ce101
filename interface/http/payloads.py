"""Wire models onto the domain's event payloads: the one place the API meets what is stored.

A wire model says what a client may send; ``domain.payloads`` says what an entry stores.
Each field the domain's payload declares is taken from the validated wire data, as the
client set it (a field left out stays out); a field the domain does not declare is not
stored, so editing the API cannot change a stored shape by itself. The test
``tests/unit/test_event_type_agreement.py`` keeps the two in step, field for field.
"""

from __future__ import annotations

from functools import cache
from typing import Any, get_args, get_type_hints, is_typeddict

from pydantic import BaseModel

from domain.entries import Entry
from domain.payloads import PAYLOADS, PayloadType
from interface.http.schemas import data_model_for


def payload_of(event_type: str, data: BaseModel) -> dict[str, Any]:
    """The domain payload an entry of ``event_type`` stores for this wire data."""
    return _project(
        data.model_dump(mode="json", exclude_unset=True, by_alias=True), PAYLOADS[event_type]
    )


def _project(value: dict[str, Any], shape: PayloadType) -> dict[str, Any]:
    fields = _fields(shape)
    return {key: _project_field(item, fields[key]) for key, item in value.items() if key in fields}


@cache
def _fields(shape: PayloadType) -> dict[str, Any]:
    return get_type_hints(shape)


def _project_field(item: Any, hint: Any) -> Any:
    nested = record_type_in(hint)
    if nested is not None and isinstance(item, dict):
        return _project(item, nested)
    return item


def record_type_in(hint: Any) -> PayloadType | None:
    """The TypedDict a field holds (alone or ``| None``), if it holds one."""
    if is_typeddict(hint):
        return hint  # type: ignore[no-any-return]
    found = [arg for arg in get_args(hint) if is_typeddict(arg)]
    return found[0] if len(found) == 1 else None


def checked_correction(original: Entry, data: dict[str, Any]) -> dict[str, Any]:
    """The correction's data checked as part of a valid entry of the corrected entry's
    type (pydantic's ValidationError otherwise), in the normal form an append stores; the
    one check of a correction, for a single append and for a batch item alike."""
    try:
        model = data_model_for(original.type)
    except KeyError:
        return data  # not an appendable type: the domain refuses to correct it
    merged = model.model_validate({**original.data, **data["data"]})
    normal = payload_of(original.type, merged)
    return {**data, "data": {key: normal[key] for key in data["data"] if key in normal}}
