"""docs/protocols.md: every parameter of every built-in profile version, with its source.

Generated from the profiles themselves (``python -m interface.presentation.protocol_table
> docs/protocols.md``); a test keeps the checked-in page equal to what this writes.
"""

from __future__ import annotations

import json
from typing import Any

from domain.protocols import BUILT_IN_PROFILES, SUPERSEDED_PROFILES, ProtocolProfile
from interface.presentation.protocol_sources import SOURCES

HEADER = """\
# Protocol profiles

Every journey copies the profile it opens under into its opening event and keeps it for
life: a journey opened under 2026-11-01 is judged by 2026-11-01's rules on every replay.
New journeys open under the current version (2027-1). Generated from `domain/protocols.py`
by `python -m interface.presentation.protocol_table`; "Clinic practice" marks the values
a medical director should review first.

Rules added by 2027-1 beyond DOMAIN.md: **J-16** (Spravato REMS enrollment before any dose;
REMS entries only on a REMS protocol), **J-17** (who may record what), **C-12** (a serious
adverse event not reported to the REMS), **C-13** (a scheduled measure never taken).
"""


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    if isinstance(value, list | dict):
        if value and all(isinstance(v, dict) for v in value):
            return "<br>".join(_schedule_item(v) for v in value)
        return json.dumps(value) if value else "—"
    return str(value)


def _schedule_item(item: dict[str, Any]) -> str:
    when = item["due"] if item["due"] != "after_session" else f"after session {item['session']}"
    concern = f" (if {item['concern']})" if "concern" in item else ""
    return f"{item['instrument']} {when.replace('_', ' ')}{concern}"


def protocol_table() -> str:
    profiles: list[ProtocolProfile] = []
    for current in BUILT_IN_PROFILES.values():
        profiles += [p for p in SUPERSEDED_PROFILES if p.name == current.name] + [current]
    heads = [f"{p.name} {p.version}" for p in profiles]
    lines = [
        HEADER,
        "| parameter | meaning | " + " | ".join(heads) + " | source |",
        "|---|---|" + "---|" * len(heads) + "---|",
    ]
    rows = [p.as_dict() for p in profiles]
    for name in rows[0]:
        meaning, source = SOURCES[name]
        values = " | ".join(_value(row[name]) for row in rows)
        lines.append(f"| `{name}` | {meaning} | {values} | {source} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(protocol_table(), end="")
