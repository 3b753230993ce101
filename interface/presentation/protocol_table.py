"""docs/protocols.md: every parameter of every built-in profile version, with its source.

Generated from the profiles themselves (``python -m interface.presentation.protocol_table
> docs/protocols.md``); a test keeps the checked-in page equal to what this writes.
"""

from __future__ import annotations

import json
from typing import Any

from domain.protocol_envelope import ENVELOPES
from domain.protocols import BUILT_IN_PROFILES, SUPERSEDED_PROFILES, ProtocolProfile
from interface.presentation.protocol_sources import REFERENCES, SOURCES

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


CLINIC_PROTOCOLS = """\

## Clinic protocols

An `admin` publishes the clinic's own protocol as a version derived from the current
version of a built-in, with parameter changes (`POST /v1/clinics/{clinic}/protocols`, or
`kap-journeys protocols publish FILE.yaml --clinic C`):

```yaml
name: denver-kap          # a lowercase slug, never a built-in's name
base: kap-standard        # kap-standard or spravato-rems
changes:
  max_mg_per_kg_injected: 1.0
  min_observation_minutes: 90
  fasting_rule: advisory  # "avoid heavy meals": an unmet fast is a note, not a hold
```

Each version is numbered `<clinic>-<n>` (the n-th version of that name in the clinic) and
never changes; a name keeps the base it was first published from. The profile records
its provenance in `extra` (clinic, base, base_version), so a journey's opening event
shows what its protocol derives from. A journey opened with the name copies the latest
version and keeps it for life; `GET /v1/clinics/{clinic}/protocols` (admin, staff,
auditor) and `kap-journeys protocols list` show every version with its diff from the
built-in version it was derived from.

Under `fasting_rule: advisory` a pre-dose check that does not meet the fasting hours
holds nothing: the status's next step ("Administer the dose of session N.") gains a note
such as "Fasting from food is advised, not required: 6 h would end at ...".

### The safety envelope

No clinic protocol can leave it: a value outside is refused (HTTP 422
`clinic_setting_invalid`; the CLI exits 2) with the parameter named and the line, e.g.
`min_observation_minutes: must be between 60 and 240 (never under 60 min); 59 is outside
it.` A clinic may always tighten; it loosens only where a published source allows more
than the built-in value, and never a Spravato REMS or label requirement. Ranges include
both ends. Generated from `domain/protocol_envelope.py`.
"""


def envelope_table() -> str:
    """What a clinic may set each parameter to, under each base, and why."""
    bases = list(ENVELOPES)
    lines = [
        CLINIC_PROTOCOLS,
        "| parameter | "
        + " | ".join(f"{b} (from {BUILT_IN_PROFILES[b].version})" for b in bases)
        + " |",
        "|---|" + "---|" * len(bases),
    ]
    for name in ENVELOPES[bases[0]]:
        cells = []
        for base in bases:
            limit = ENVELOPES[base][name]
            line = limit.describe(getattr(BUILT_IN_PROFILES[base], name))
            cells.append(f"{line}: {limit.why}" if limit.why else line)
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += ["", "Sources named above:", ""]
    lines += [f"- **{key}**: {text}" for key, text in REFERENCES.items()]
    return "\n".join(lines) + "\n"


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
    return "\n".join(lines) + "\n" + envelope_table()


if __name__ == "__main__":
    print(protocol_table(), end="")
