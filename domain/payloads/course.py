"""Payloads of the events that steer the journey itself: open, pause, resume, close, correct."""

# No ``from __future__ import annotations``: TypedDict reads ``NotRequired`` from the
# evaluated annotations (Python 3.11), and the stored shape depends on it.
from typing import Any, TypedDict


class JourneyOpenedPayload(TypedDict):
    clinic_id: str
    patient_ref: str
    episode: int
    protocol: dict[str, Any]
    """The protocol profile in force (``ProtocolProfile.as_dict``), kept with the journey."""
    primary_clinician: str
    presenting_concerns: list[str]


class JourneyPausedPayload(TypedDict):
    reason: str


class JourneyResumedPayload(TypedDict):
    """Carries nothing."""


class JourneyClosedPayload(TypedDict):
    reason: str
    summary: str


class EntryCorrectedPayload(TypedDict):
    corrects_version: int
    reason: str
    data: dict[str, Any]
    """The corrected fields of that entry, in its own payload's shape."""


class CorrectedEntry(TypedDict):
    """What ``EntryCorrected`` stores besides its payload: the corrected entry's type,
    time and full data after the correction, so a replay re-applies it unaided."""

    type: str
    occurred_at: str
    data: dict[str, Any]
