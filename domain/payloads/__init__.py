"""What each journey event stores as its ``data``: one typed record per event type.

The domain owns these shapes; the HTTP wire models are mapped onto them in one place
(``interface.http.payloads``), so editing the API cannot change what is stored. They are
TypedDicts because an event stores its payload as the plain JSON object it is: a field
left out stays left out (it is not stored as null), which keeps every stored entry's
bytes, and so its seal, as they were written.

Changing a payload changes a stored shape: bump its event class's ``class_version`` and
write ``upcast_vN_vN+1`` (convention 2); ``tests/unit/domain/test_stored_shapes.py``
refuses a changed shape under an unchanged version. Mind the seals: an entry's seal
covers its payload as stored, and the verifier recomputes it over the event as loaded,
that is after upcasting; so before the first payload upcaster ships, the verifier must
read seals over the content before upcasting (``tests/integration/test_store_evolution``
holds that case as an expected failure).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.payloads.clinical import (
    ConsentSignedPayload,
    ConsentWithdrawnPayload,
    ConsultationCompletedPayload,
    Medication,
    MedicationsReconciledPayload,
    OutcomeMeasureRecordedPayload,
    PreparationCompletedPayload,
    RemsPatientEnrolledPayload,
    SafetyReviewCompletedPayload,
    ScreeningCompletedPayload,
    TreatmentPlanUpdatedPayload,
)
from domain.payloads.course import (
    CorrectedEntry,
    EntryCorrectedPayload,
    JourneyClosedPayload,
    JourneyOpenedPayload,
    JourneyPausedPayload,
    JourneyResumedPayload,
)
from domain.payloads.dosing import (
    AdverseEventReportedPayload,
    DosingSessionCancelledPayload,
    GuidedTherapyNotedPayload,
    IntegrationCompletedPayload,
    KetamineAdministeredPayload,
    PatientDischargedPayload,
    PreDoseCheckCompletedPayload,
    RemsMonitoringFormSubmittedPayload,
    VitalsRecordedPayload,
)
from domain.payloads.values import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES

PayloadType = type[Mapping[str, Any]]

_ALL: tuple[PayloadType, ...] = (
    JourneyOpenedPayload,
    ConsultationCompletedPayload,
    OutcomeMeasureRecordedPayload,
    ScreeningCompletedPayload,
    ConsentSignedPayload,
    ConsentWithdrawnPayload,
    PreparationCompletedPayload,
    PreDoseCheckCompletedPayload,
    KetamineAdministeredPayload,
    VitalsRecordedPayload,
    GuidedTherapyNotedPayload,
    AdverseEventReportedPayload,
    PatientDischargedPayload,
    DosingSessionCancelledPayload,
    IntegrationCompletedPayload,
    TreatmentPlanUpdatedPayload,
    SafetyReviewCompletedPayload,
    RemsMonitoringFormSubmittedPayload,
    JourneyPausedPayload,
    JourneyResumedPayload,
    JourneyClosedPayload,
    EntryCorrectedPayload,
    RemsPatientEnrolledPayload,
    MedicationsReconciledPayload,
)

PAYLOADS: dict[str, PayloadType] = {p.__name__.removesuffix("Payload"): p for p in _ALL}
"""Each event type's payload, by the event's stored name."""

__all__ = [
    "MAX_SESSION_MINUTES",
    "MIN_SESSION_MINUTES",
    "PAYLOADS",
    "AdverseEventReportedPayload",
    "ConsentSignedPayload",
    "ConsentWithdrawnPayload",
    "ConsultationCompletedPayload",
    "CorrectedEntry",
    "DosingSessionCancelledPayload",
    "EntryCorrectedPayload",
    "GuidedTherapyNotedPayload",
    "IntegrationCompletedPayload",
    "JourneyClosedPayload",
    "JourneyOpenedPayload",
    "JourneyPausedPayload",
    "JourneyResumedPayload",
    "KetamineAdministeredPayload",
    "Medication",
    "MedicationsReconciledPayload",
    "OutcomeMeasureRecordedPayload",
    "PatientDischargedPayload",
    "PayloadType",
    "PreDoseCheckCompletedPayload",
    "PreparationCompletedPayload",
    "RemsMonitoringFormSubmittedPayload",
    "RemsPatientEnrolledPayload",
    "SafetyReviewCompletedPayload",
    "ScreeningCompletedPayload",
    "TreatmentPlanUpdatedPayload",
    "VitalsRecordedPayload",
]
