"""A compliance finding: one occurrence of a C-rule in a journey's replayed history."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

RULES = tuple(f"C-{n:02d}" for n in range(1, 14))
"""The auditor's checks of DOMAIN.md, C-01 to C-11, and those protocol 2027-1 added:
C-12 (a serious adverse event not reported to the REMS) and C-13 (scheduled measures)."""


@dataclass(frozen=True)
class Finding:
    """What an auditor reads: the rule, where it happened, the entries, why, and when.

    ``occurrence`` is a stable key within the journey ("session-3", "version-17",
    "session-3/escort"), so the same fact found on a later replay has the same key.
    ``at`` is the moment the finding is about: when its key entry occurred (the dose,
    the discharge, the late entry, the correction, the override, the flagged entry), or,
    for a duty that falls due with time, its deadline, when the duty was breached
    (whether it was done late or not at all, so the moment stays put once it is done).
    A time-based duty carries ``due_at``: it stands only once that moment has passed.
    """

    rule: str
    occurrence: str
    versions: tuple[int, ...]
    detail: str
    at: datetime
    due_at: datetime | None = None

    def stands_at(self, now: datetime) -> bool:
        return self.due_at is None or now > self.due_at


def standing(findings: Iterable[Finding], now: datetime) -> list[Finding]:
    """The findings that stand at ``now``: every one without a deadline, the rest once due."""
    return [finding for finding in findings if finding.stands_at(now)]


def _natural(occurrence: str) -> tuple[tuple[str, int], ...]:
    """ "session-2" before "session-10": each run of text keeps the number after it."""
    return tuple(
        (text, int(digits) if digits else -1)
        for text, digits in re.findall(r"(\D*)(\d*)", occurrence)
        if text or digits
    )


def in_order(findings: Iterable[Finding]) -> list[Finding]:
    """By rule, then occurrence (numbers compared as numbers), then versions."""
    return sorted(findings, key=lambda f: (f.rule, _natural(f.occurrence), f.versions))
