"""Application answers as wire models."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, tzinfo

from application.answers import AppendResult, HistoryEntry
from domain.clinic_context import ClinicContext
from domain.diagnoses import title
from domain.status import JourneyStatus
from interface.http.schemas import (
    AppendPublic,
    BlockerPublic,
    FlagDetailPublic,
    HistoryEventPublic,
    JourneyPublic,
    NextStepPublic,
    OutcomePublic,
    ProtocolPublic,
    SessionPublic,
)
from interface.http.schemas.answers import DiagnosisPublic
from interface.presentation.local_times import in_zone, with_local, zone_shown

SESSION_TIMES = (
    "predose_checked_at",
    "administered_at",
    "discharged_at",
    "integrated_at",
    "rems_form_at",
)


def append_public(result: AppendResult) -> AppendPublic:
    return AppendPublic(
        journey_id=result.journey_id,
        version=result.version,
        position=result.position,
        stage=result.stage,  # type: ignore[arg-type]
        next_step=NextStepPublic(code=result.next_step.code, text=result.next_step.text),  # type: ignore[arg-type]
    )


def journey_public(status: JourneyStatus, clinic: ClinicContext | None = None) -> JourneyPublic:
    """The status with each instant also on the clinic's wall clock (``X_local``); its
    sentences were already written in the clinic's zone (``Journeys.status``)."""
    zone = clinic.zone if clinic else UTC
    return JourneyPublic(
        journey_id=status.journey_id,
        clinic_id=status.clinic_id,
        patient_ref=status.patient_ref,
        episode=status.episode,
        protocol=ProtocolPublic(name=status.protocol_name, version=status.protocol_version),
        primary_clinician=status.primary_clinician,
        stage=status.stage,  # type: ignore[arg-type]
        session_state=status.session_state,
        flags=status.flags,  # type: ignore[arg-type]
        flag_details={
            flag: [FlagDetailPublic(**with_local(asdict(d), ("at",), zone)) for d in details]  # type: ignore[misc]
            for flag, details in status.flag_details.items()
        },
        next_step=NextStepPublic(code=status.next_step.code, text=status.next_step.text),  # type: ignore[arg-type]
        blockers=[BlockerPublic(rule=b.rule, text=b.text) for b in status.blockers],
        sessions=[
            SessionPublic(**with_local(asdict(s), SESSION_TIMES, zone)) for s in status.sessions
        ],
        sessions_completed=status.sessions_completed,
        outcomes={
            name: OutcomePublic(**with_local(asdict(o), ("judged_at",), zone))
            for name, o in status.outcomes.items()
        },
        version=status.version,
        opened_at=status.opened_at,
        last_event_at=status.last_event_at,
        time_zone=zone_shown(clinic),
        opened_at_local=in_zone(status.opened_at, zone),
        last_event_at_local=in_zone(status.last_event_at, zone),
        next_dose_possible_at=status.next_dose_possible_at,
        next_dose_possible_at_local=in_zone(status.next_dose_possible_at, zone),
        diagnoses=[DiagnosisPublic(**d, title=title(d["code"])) for d in status.diagnoses],
    )


def history_event_public(entry: HistoryEntry, zone: tzinfo = UTC) -> HistoryEventPublic:
    return HistoryEventPublic.model_validate(
        with_local(asdict(entry), ("occurred_at", "recorded_at"), zone)
    )
