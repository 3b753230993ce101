"""The wire contract as a Markdown page (docs/events.md), generated from the schemas.

The pydantic models are the contract clinic systems are held to, so the page is made
from them and a test keeps the checked-in copy equal to what this module writes:
``python -m interface.http.wire_contract > docs/events.md``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from interface.http.schemas import EVENT_TYPES, JourneyCreate, data_model_for
from interface.http.schemas.common import EventEnvelope

HEADER = """\
# Wire contract: opening a journey and appending events

Generated from the request schemas by `python -m interface.http.wire_contract`; the
running service shows the same schemas at `/docs` and `/openapi.json`. Times are ISO 8601
with an offset (the service stores UTC); unknown fields, duplicate keys and control
characters are refused with a 422 problem naming the field.

Appending: `POST /v1/journeys/{journey_id}/events` with headers `Authorization: Bearer …`,
optional `Idempotency-Key` and `If-Match: "<version>"`, and the body
`{"type": …, "occurred_at": …, "recorded_by": {"id": …, "role": …}, "data": {…}}`.
"""


def _bounds(schema: dict[str, Any]) -> str:
    parts = []
    for key, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤")):
        if key in schema:
            parts.append(f"{sign} {schema[key]}")
    if "maxLength" in schema:
        parts.append(f"{schema.get('minLength', 0)} to {schema['maxLength']} chars")
    if "maxItems" in schema:
        parts.append(f"at most {schema['maxItems']}")
    return f" ({', '.join(parts)})" if parts else ""


def describe(schema: dict[str, Any], definitions: dict[str, Any]) -> str:
    """A short type text for one field's JSON schema."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return describe(definitions[name], definitions) if "enum" in definitions[name] else name
    if "anyOf" in schema:
        return " or ".join(describe(option, definitions) for option in schema["anyOf"])
    if "enum" in schema:
        return " \\| ".join(f"`{value}`" for value in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {describe(schema.get('items', {}), definitions)}{_bounds(schema)}"
    if kind == "string" and schema.get("format") == "date-time":
        return "time with offset"
    return f"{kind}{_bounds(schema)}"


def _row(name: str, field: dict[str, Any], required: set[str], definitions: dict[str, Any]) -> str:
    what = " ".join(field.get("description", "").split()).replace("|", "\\|")
    return (
        f"| `{name}` | {describe(field, definitions)} | {'yes' if name in required else 'no'} "
        f"| {what} |"
    )


HEAD = ["| field | type | required | what |", "|---|---|---|---|"]


def model_table(model: type[BaseModel]) -> list[str]:
    """One row per field of the model, and one table per nested object it uses."""
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    lines = list(HEAD)
    required = set(schema.get("required", []))
    for name, field in schema.get("properties", {}).items():
        lines.append(_row(name, field, required, definitions))
    for name, nested in sorted(definitions.items()):
        if "properties" not in nested:
            continue
        lines += ["", f"`{name}`:", "", *HEAD]
        inner_required = set(nested.get("required", []))
        for field_name, field in nested["properties"].items():
            lines.append(_row(field_name, field, inner_required, definitions))
    return lines


def wire_contract() -> str:
    """The whole page."""
    lines = [HEADER, "## `POST /v1/journeys`", "", (JourneyCreate.__doc__ or "").strip(), ""]
    lines += model_table(JourneyCreate)
    lines += ["", "## The envelope of every event", ""]
    lines += model_table(EventEnvelope)
    for event_type in EVENT_TYPES:
        data_model = data_model_for(event_type)
        lines += ["", f"## `{event_type}`", "", (data_model.__doc__ or "").strip(), ""]
        lines += model_table(data_model)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(wire_contract(), end="")
