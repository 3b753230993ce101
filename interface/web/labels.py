"""Words for the codes the dashboard shows: stages, flags, bands, times and vitals."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.local_time import localized, stamp, stamp_to_the_second

STAGES = (
    "opened",
    "consulted",
    "screened",
    "consented",
    "prepared",
    "in_treatment",
    "series_complete",
    "maintenance",
    "paused",
    "ineligible",
    "closed",
)
"""Every stage, in the order of the pathway (halted stages last)."""

STAGE_LABELS = {
    "opened": "Opened",
    "consulted": "Consulted",
    "screened": "Screened",
    "consented": "Consented",
    "prepared": "Prepared",
    "in_treatment": "In treatment",
    "series_complete": "Series complete",
    "maintenance": "Maintenance",
    "paused": "Paused",
    "ineligible": "Ineligible",
    "closed": "Closed",
}

FLAGS = (
    "safety_hold",
    "integration_overdue",
    "rems_form_overdue",
    "adverse_event",
    "interaction_review",
    "measure_due",
    "override_used",
    "late_entry",
)

FLAG_LABELS = {
    "safety_hold": "Safety hold",
    "integration_overdue": "Integration overdue",
    "rems_form_overdue": "REMS form overdue",
    "adverse_event": "Adverse event",
    "override_used": "Override used",
    "late_entry": "Late entry",
    "interaction_review": "Interaction review",
    "measure_due": "Measure due",
}

URGENT_FLAGS = frozenset({"safety_hold", "integration_overdue", "rems_form_overdue"})
"""Flags that ask for action now (shown in the alarm colour)."""

SESSION_STATES = {
    "awaiting_pre_dose_check": "awaiting the pre-dose check",
    "checked": "checked, awaiting the dose",
    "dosed": "dosed, under observation",
    "discharged_awaiting_integration": "discharged, awaiting integration",
    "complete": "complete",
}


def words(code: str | None) -> str:
    """``moderately_severe`` -> ``moderately severe``; known stages and flags by name."""
    if code is None:
        return ""
    return STAGE_LABELS.get(code) or FLAG_LABELS.get(code) or code.replace("_", " ")


def when(moment: datetime | None) -> str:
    """A moment as the dashboard writes it, to the minute, in the clinic's zone while the
    page renders (``2026-10-08 10:00 UTC``, ``Thu 2026-10-08 04:00 MDT (UTC-06:00)``)."""
    return "" if moment is None else stamp(moment)


def to_the_second(moment: datetime | None) -> str:
    """A moment to the second, for the access log (in the clinic's zone, as ``when``)."""
    return "" if moment is None else stamp_to_the_second(moment)


def local(text: str | None) -> str:
    """A sentence kept in UTC (a caseload row's next step) with its moments in the
    clinic's zone while the page renders."""
    return "" if text is None else localized(text)


def iso(moment: datetime | None) -> str:
    """A moment for a ``<time datetime>`` attribute (UTC: for machines, not people)."""
    return "" if moment is None else moment.astimezone(UTC).isoformat()


def ago(moment: datetime | None, now: datetime) -> str:
    """How long before ``now``, in the largest whole unit: "3 days ago", "just now"."""
    if moment is None:
        return ""
    seconds = int((now - moment).total_seconds())
    if seconds < 60:
        return "just now" if seconds >= -60 else "in the future"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"  # pragma: no cover - the loop always returns for seconds >= 60


def vitals(reading: dict[str, int] | None) -> str:
    """``{"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 98}`` in words."""
    if not reading:
        return ""
    parts = [f"BP {reading['systolic']}/{reading['diastolic']}", f"HR {reading['heart_rate']}"]
    if reading.get("spo2") is not None:
        parts.append(f"SpO2 {reading['spo2']} %")
    return ", ".join(parts)


def dose(route: str | None, dose_mg: float | None) -> str:
    if route is None or dose_mg is None:
        return ""
    amount = f"{dose_mg:g}"
    return f"{amount} mg {route.upper() if len(route) <= 2 else route}"
