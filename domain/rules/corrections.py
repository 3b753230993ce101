"""What an EntryCorrected may change: an entry's data fields, never what identifies it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.entries import Entry
from domain.errors import CorrectionRefusedError
from domain.protocol_profile import ProtocolProfile
from domain.rules.adverse_events import check_adverse_event_times
from domain.rules.pathway import check_screening_decision
from domain.rules.plans import check_corrected_plan
from domain.scales import score

UNCORRECTABLE_TYPES = {"JourneyOpened", "EntryCorrected"}
IDENTIFYING_FIELDS = {"session", "instrument"}


def check_correction(
    original: Entry, changes: Mapping[str, Any], profile: ProtocolProfile
) -> dict[str, Any]:
    """The entry's data with ``changes`` applied, checked as the entry itself was (under
    the journey's ``profile``)."""
    if original.type in UNCORRECTABLE_TYPES:
        raise CorrectionRefusedError(f"A {original.type} entry cannot be corrected.")
    if not changes:
        raise CorrectionRefusedError("A correction must change at least one field.")
    touched = IDENTIFYING_FIELDS & set(changes)
    if touched:
        raise CorrectionRefusedError(
            f"{', '.join(sorted(touched))} identifies the entry and cannot be corrected; "
            "correct the entry that was meant instead."
        )
    corrected = {**original.data, **changes}
    if original.type == "OutcomeMeasureRecorded":
        score(corrected["instrument"], corrected["items"])
    if original.type == "ScreeningCompleted":
        check_screening_decision(corrected, profile)
    if original.type == "AdverseEventReported":
        check_adverse_event_times(corrected)
    if original.type == "TreatmentPlanUpdated":
        check_corrected_plan(corrected, profile)
    return corrected
