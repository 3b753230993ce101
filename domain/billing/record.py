"""A journey's record as billing reads it: its entries with their corrections applied,
and its dosing sessions gathered entry by entry.

An ``EntryCorrected`` changes fields of an earlier entry; the entry keeps its type, time
and identifying fields (``domain.rules.corrections``), so applying each correction's
changes in order gives the entry as it stands, the same data ``Journeys.entry`` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from domain.entries import Entry


def effective_entries(entries: Iterable[Entry]) -> list[Entry]:
    """Every entry but the corrections, each with its corrections applied, in order."""
    by_version: dict[int, Entry] = {}
    for entry in sorted(entries, key=lambda e: e.version):
        if entry.type == "EntryCorrected":
            corrected = by_version.get(int(entry.data["corrects_version"]))
            if corrected is not None:
                data = {**corrected.data, **entry.data["data"]}
                by_version[corrected.version] = replace(corrected, data=data)
        else:
            by_version[entry.version] = entry
    return [by_version[v] for v in sorted(by_version)]


@dataclass
class DosingSession:
    """One dosing session's entries as they stand (the latest where one supersedes)."""

    number: int
    pre_dose: Entry | None = None
    dose: Entry | None = None
    boosters: list[Entry] = field(default_factory=list)
    therapy_notes: list[Entry] = field(default_factory=list)
    discharge: Entry | None = None
    cancelled: bool = False

    @property
    def administrations(self) -> list[Entry]:
        return [self.dose, *self.boosters] if self.dose is not None else []

    @property
    def billable(self) -> bool:
        """Dosed and discharged, and not cancelled: the visit is complete."""
        return not self.cancelled and self.dose is not None and self.discharge is not None


def dosing_sessions(entries: Sequence[Entry]) -> list[DosingSession]:
    """The journey's dosing sessions by number, from its effective entries."""
    sessions: dict[int, DosingSession] = {}
    for entry in entries:
        number = entry.data.get("session") if entry.type in _SESSION_TYPES else None
        if not isinstance(number, int):
            continue
        session = sessions.setdefault(number, DosingSession(number))
        _gather(session, entry)
    return [sessions[n] for n in sorted(sessions)]


def _gather(session: DosingSession, entry: Entry) -> None:
    if entry.type == "PreDoseCheckCompleted":
        session.pre_dose = entry
    elif entry.type == "KetamineAdministered":
        if entry.data.get("booster"):
            session.boosters.append(entry)
        else:
            session.dose = entry
    elif entry.type == "GuidedTherapyNoted":
        session.therapy_notes.append(entry)
    elif entry.type == "PatientDischarged":
        session.discharge = entry
    elif entry.type == "DosingSessionCancelled":
        session.cancelled = True


_SESSION_TYPES = {
    "PreDoseCheckCompleted",
    "KetamineAdministered",
    "GuidedTherapyNoted",
    "PatientDischarged",
    "DosingSessionCancelled",
}


def opening(entries: Sequence[Entry]) -> dict[str, Any]:
    """The journey's opening data (clinic, patient reference, primary clinician)."""
    first = next((e for e in entries if e.type == "JourneyOpened"), None)
    return dict(first.data) if first is not None else {}


def recorded_minutes(entry: Entry) -> int | None:
    """The psychotherapy minutes the entry records (its optional ``minutes``), if any."""
    value = entry.data.get("minutes")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def whole_minutes(start: datetime, end: datetime) -> int:
    """The minutes from ``start`` to ``end``, whole minutes only (never negative)."""
    return max(0, int((end - start).total_seconds() // 60))
