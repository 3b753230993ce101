"""A stored shape changes only with its class's version, and each version has its upcaster.

``stored_shapes.json`` records, for each event type at each ``class_version``, the fields
its payload stores (``name?`` when it may be left out, nested as ``a.b``). Changing a
payload in ``domain.payloads`` without bumping its event class's ``class_version`` fails
here; a bump adds the new version's line (keep the old ones) and ``upcast_vN_vN+1``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args, get_type_hints, is_typeddict

import pytest

from domain.journey import APPENDABLE, Journey
from domain.payloads import PAYLOADS, PayloadType

RECORDED = json.loads((Path(__file__).parent / "stored_shapes.json").read_text())
CLASSES: dict[str, Any] = {**APPENDABLE, "JourneyOpened": Journey.JourneyOpened}


def fields_of(shape: PayloadType, prefix: str = "") -> list[str]:
    found = []
    optional = shape.__optional_keys__  # type: ignore[attr-defined]
    for name, hint in get_type_hints(shape).items():
        found.append(f"{prefix}{name}{'?' if name in optional else ''}")
        for inner in (hint, *get_args(hint)):
            if is_typeddict(inner):
                found += fields_of(inner, f"{prefix}{name}.")
    return sorted(found)


def current() -> dict[str, list[str]]:
    return {
        f"{name}@{CLASSES[name].class_version}": fields_of(PAYLOADS[name])
        for name in sorted(CLASSES)
    }


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_a_payload_keeps_the_shape_recorded_for_its_class_version(name):
    key = f"{name}@{CLASSES[name].class_version}"
    assert key in RECORDED, f"record {key}'s fields in stored_shapes.json"
    assert fields_of(PAYLOADS[name]) == RECORDED[key], (
        f"{name}'s stored shape changed: bump its class_version and write its upcaster"
    )


@pytest.mark.parametrize("owner", [*sorted(CLASSES), "Journey"])
def test_every_version_step_has_its_upcaster(owner):
    cls = Journey if owner == "Journey" else CLASSES[owner]
    for version in range(1, cls.class_version):
        assert callable(getattr(cls, f"upcast_v{version}_v{version + 1}", None)), (owner, version)


def _fits(value: Any, shape: PayloadType, where: str) -> None:
    hints = get_type_hints(shape)
    required = shape.__required_keys__  # type: ignore[attr-defined]
    assert required <= set(value) <= set(hints), where
    for name, item in value.items():
        for inner in (hints[name], *get_args(hints[name])):
            if is_typeddict(inner) and isinstance(item, dict):
                _fits(item, inner, f"{where}.{name}")


def test_the_entries_of_the_stored_fixture_fit_their_payload_types():
    """Every entry the fixture's code stored (tests/integration/fixtures) has each field its
    payload requires and none it does not declare, nested records too."""
    fixture = Path(__file__).parents[2] / "integration" / "fixtures" / "stored_shapes.json"
    journeys = json.loads(fixture.read_text())["journeys"]
    entries = [e for j in journeys for e in j["history"]]
    for entry in entries:
        _fits(entry["data"], PAYLOADS[entry["type"]], f"{entry['type']} v{entry['version']}")
    assert {e["type"] for e in entries} == set(PAYLOADS) - NEW_IN_2027_1


NEW_IN_2027_1 = {"RemsPatientEnrolled", "MedicationsReconciled"}
"""Event types the fixture's code (2026-11-01) did not have."""
