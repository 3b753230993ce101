"""The superbill of one journey: its record, billed by its clinic's fee schedule."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.answers import HistoryEntry
from application.clinics import ClinicNotRegisteredError, Clinics
from application.journeys import Journeys
from domain.billing import BillingNotReadyError, Superbill, superbill
from domain.billing.superbill import CLAIM_SETTINGS
from domain.entries import Actor, Entry


def journey_superbill(
    journeys: Journeys,
    clinics: Clinics,
    clinic_id: str | None,
    journey_id: UUID,
    period_from: date | None = None,
    period_to: date | None = None,
) -> Superbill:
    """The superbill of the journey's services dated ``period_from`` to ``period_to``
    (the clinic's local dates, both included; by default the whole journey).

    The journey is read as its history is (the clinic's own, else JourneyNotFoundError);
    BillingNotReadyError names what the clinic must set first, every claim setting when
    it has none yet."""
    history = journeys.history(clinic_id, journey_id)
    owner = clinic_id if clinic_id is not None else _opening_clinic(history)
    try:
        clinic = clinics.clinic(owner)
    except ClinicNotRegisteredError:
        raise BillingNotReadyError([*CLAIM_SETTINGS, "fees"]) from None
    return superbill([_entry(h) for h in history], clinic, period_from, period_to)


def _entry(h: HistoryEntry) -> Entry:
    by = Actor(h.recorded_by.get("id", ""), h.recorded_by.get("role", ""))
    return Entry(h.version, h.type, h.occurred_at, h.recorded_at, h.data, by=by)


def _opening_clinic(history: list[HistoryEntry]) -> str:
    return str(history[0].data.get("clinic_id", "")) if history else ""
