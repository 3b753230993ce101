"""The event envelope union for POST /v1/journeys/{journey_id}/events, discriminated on `type`."""

from __future__ import annotations

from typing import Annotated, get_args

from pydantic import BaseModel, Field

from interface.http.schemas.clinical import (
    ConsentSignedCreate,
    ConsentWithdrawnCreate,
    ConsultationCompletedCreate,
    MedicationsReconciledCreate,
    OutcomeMeasureRecordedCreate,
    PreparationCompletedCreate,
    RemsPatientEnrolledCreate,
    SafetyReviewCompletedCreate,
    ScreeningCompletedCreate,
    TreatmentPlanUpdatedCreate,
)
from interface.http.schemas.dosing import (
    AdverseEventReportedCreate,
    DosingSessionCancelledCreate,
    GuidedTherapyNotedCreate,
    IntegrationCompletedCreate,
    KetamineAdministeredCreate,
    PatientDischargedCreate,
    PreDoseCheckCompletedCreate,
    RemsMonitoringFormSubmittedCreate,
    VitalsRecordedCreate,
)
from interface.http.schemas.journey_events import (
    EntryCorrectedCreate,
    JourneyClosedCreate,
    JourneyPausedCreate,
    JourneyResumedCreate,
)

EventCreate = Annotated[
    ConsultationCompletedCreate
    | OutcomeMeasureRecordedCreate
    | ScreeningCompletedCreate
    | ConsentSignedCreate
    | ConsentWithdrawnCreate
    | PreparationCompletedCreate
    | PreDoseCheckCompletedCreate
    | KetamineAdministeredCreate
    | VitalsRecordedCreate
    | GuidedTherapyNotedCreate
    | AdverseEventReportedCreate
    | PatientDischargedCreate
    | DosingSessionCancelledCreate
    | IntegrationCompletedCreate
    | TreatmentPlanUpdatedCreate
    | SafetyReviewCompletedCreate
    | RemsMonitoringFormSubmittedCreate
    | RemsPatientEnrolledCreate
    | MedicationsReconciledCreate
    | JourneyPausedCreate
    | JourneyResumedCreate
    | JourneyClosedCreate
    | EntryCorrectedCreate,
    Field(discriminator="type"),
]
"""Any appendable event; `type` selects the envelope and its data model."""

_ENVELOPES: tuple[type[BaseModel], ...] = get_args(get_args(EventCreate)[0])


def _data_model(envelope: type[BaseModel]) -> type[BaseModel]:
    """The model of an envelope's `data` (pydantic types annotations loosely, as any form)."""
    model = envelope.model_fields["data"].annotation
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{envelope.__name__}.data is not a pydantic model")
    return model


_DATA_MODELS: dict[str, type[BaseModel]] = {
    get_args(envelope.model_fields["type"].annotation)[0]: _data_model(envelope)
    for envelope in _ENVELOPES
}

EVENT_TYPES: tuple[str, ...] = tuple(_DATA_MODELS)
"""Every event type a client may append (JourneyOpened is made by POST /v1/journeys)."""


def data_model_for(event_type: str) -> type[BaseModel]:
    """The data model of an appendable event type; KeyError if there is none."""
    return _DATA_MODELS[event_type]
