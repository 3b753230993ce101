"""Application answers as wire models."""

from __future__ import annotations

from dataclasses import asdict

from application.answers import AppendResult, HistoryEntry
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


def append_public(result: AppendResult) -> AppendPublic:
    return AppendPublic(
        journey_id=result.journey_id,
        version=result.version,
        position=result.position,
        stage=result.stage,  # type: ignore[arg-type]
        next_step=NextStepPublic(code=result.next_step.code, text=result.next_step.text),  # type: ignore[arg-type]
    )


def journey_public(status: JourneyStatus) -> JourneyPublic:
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
            flag: [FlagDetailPublic(**asdict(d)) for d in details]  # type: ignore[misc]
            for flag, details in status.flag_details.items()
        },
        next_step=NextStepPublic(code=status.next_step.code, text=status.next_step.text),  # type: ignore[arg-type]
        blockers=[BlockerPublic(rule=b.rule, text=b.text) for b in status.blockers],
        sessions=[SessionPublic(**asdict(s)) for s in status.sessions],
        sessions_completed=status.sessions_completed,
        outcomes={name: OutcomePublic(**asdict(o)) for name, o in status.outcomes.items()},
        version=status.version,
        opened_at=status.opened_at,
        last_event_at=status.last_event_at,
        diagnoses=[DiagnosisPublic(**d, title=title(d["code"])) for d in status.diagnoses],
    )


def history_event_public(entry: HistoryEntry) -> HistoryEventPublic:
    return HistoryEventPublic.model_validate(asdict(entry))
