"""The kinds of limit of the safety envelope (``domain.protocol_envelope``): how far a
clinic's protocol may move one parameter of the built-in profile it derives from.

A limit is one of:

- ``service``: the service sets it (name, version, provenance), never a change;
- ``fixed``: the base's value and no other (Spravato's REMS parameters, rule sets);
- ``range``: a number within [low, high], both ends allowed (a clinic tightens, and
  loosens only as far as the published sources allow);
- ``subset``: some of the base's values, at least one (routes, Spravato doses);
- ``superset``: every base value, plus any of ``choices`` (findings to resolve);
- ``choice``: one of ``choices`` (a requirement switched on, a rule made advisory).

``why`` says where the line comes from; docs/protocols.md tables it. A refusal is a
``ClinicSettingError`` naming the parameter and the line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import ClinicSettingError


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Limit:
    kind: str
    low: float = 0
    high: float = 0
    integer: bool = True
    nullable: bool = False
    """``range``: None (no such limit) is allowed too."""
    choices: tuple[Any, ...] = ()
    why: str = ""

    def check(self, parameter: str, base_value: Any, value: Any) -> Any:
        """The value to store, or ClinicSettingError naming the parameter and the line."""
        because = f" ({self.why})" if self.why else ""
        if self.kind == "service":
            raise ClinicSettingError(parameter, f"is set by the service, not by a clinic{because}.")
        if self.kind == "fixed":
            if not _same(value, base_value):
                raise ClinicSettingError(
                    parameter,
                    f"is fixed at {_shown(base_value)}: no clinic may change it{because}.",
                )
            return value
        if self.kind == "choice":
            if not _member(value, self.choices):
                allowed = ", ".join(_shown(c) for c in self.choices)
                raise ClinicSettingError(parameter, f"must be one of {allowed}{because}.")
            return value
        if self.kind == "range":
            return self._in_range(parameter, value, because)
        return self._listed(parameter, base_value, value, because)

    def _in_range(self, parameter: str, value: Any, because: str) -> Any:
        if value is None and self.nullable:
            return None
        line = f"between {_number(self.low)} and {_number(self.high)}"
        numeric = (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
        if not numeric or (self.integer and value != int(value)):
            kind = "a whole number" if self.integer else "a number"
            raise ClinicSettingError(parameter, f"must be {kind} {line}{because}.")
        if not self.low <= value <= self.high:
            raise ClinicSettingError(
                parameter, f"must be {line}{because}; {_number(value)} is outside it."
            )
        return int(value) if self.integer else float(value)

    def _listed(self, parameter: str, base_value: Any, value: Any, because: str) -> Any:
        if not isinstance(value, list) or len(set(map(repr, value))) != len(value):
            raise ClinicSettingError(parameter, "must be a list without repeats.")
        if self.kind == "subset":
            outside = [v for v in value if not _member(v, base_value)]
            if outside or not value:
                raise ClinicSettingError(
                    parameter,
                    f"may keep only some of {_shown(base_value)}, at least one{because}"
                    + (f"; {_shown(outside[0])} is not among them." if outside else "."),
                )
            return value
        missing = [v for v in base_value if not _member(v, value)]
        unknown = [v for v in value if not _member(v, self.choices)]
        if missing or unknown:
            raise ClinicSettingError(
                parameter,
                f"must keep {_shown(base_value)} and may add only from "
                f"{_shown(list(self.choices))}{because}.",
            )
        return value

    def describe(self, base_value: Any) -> str:
        """The line in words, for docs/protocols.md."""
        if self.kind == "range":
            none = " or none" if self.nullable else ""
            return f"{_number(self.low)} to {_number(self.high)}{none}"
        if self.kind == "fixed":
            return f"fixed ({_shown(base_value)})"
        if self.kind == "choice":
            return "one of " + ", ".join(_shown(c) for c in self.choices)
        if self.kind == "subset":
            return f"some of {_shown(base_value)}"
        if self.kind == "superset":
            more = [c for c in self.choices if not _member(c, base_value)]
            return f"{_shown(base_value)}" + (f" plus any of {_shown(more)}" if more else "")
        return "set by the service"


def _same(value: Any, other: Any) -> bool:
    """Equal, and a yes/no is never a number (``True == 1`` in Python)."""
    if isinstance(value, bool) or isinstance(other, bool):
        return type(value) is type(other) and value == other
    return bool(value == other)


def _member(value: Any, among: Any) -> bool:
    return any(_same(value, v) for v in among or ())


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, dict) for v in value) and value:
        return "the built-in schedule"
    if isinstance(value, list) and not any(isinstance(v, list | dict) for v in value):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return json.dumps(value)


def check_changes(
    envelope: Mapping[str, Limit], base: Mapping[str, Any], changes: Mapping[str, Any]
) -> dict[str, Any]:
    """The changes as stored, each within its limit, or the first one that is not."""
    checked = {}
    for parameter, value in changes.items():
        if parameter not in envelope:
            raise ClinicSettingError(parameter, "is not a protocol parameter.")
        checked[parameter] = envelope[parameter].check(parameter, base[parameter], value)
    return checked
