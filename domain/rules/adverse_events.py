"""An adverse event's own times (J-15): it cannot resolve before it began.

Applies under every profile: before 2027-1 an adverse event carried no onset or
resolution time, so no earlier entry is judged differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.entries import parse_time
from domain.errors import RuleViolationError


def check_adverse_event_times(data: Mapping[str, Any]) -> None:
    onset, resolved = data.get("onset_at"), data.get("resolved_at")
    if onset is None or resolved is None:
        return
    if parse_time(resolved) < parse_time(onset):
        raise RuleViolationError(
            "J-15",
            f"resolved_at {resolved} is before onset_at {onset}: an adverse event resolves "
            "at or after its onset; send the times as they were.",
        )
