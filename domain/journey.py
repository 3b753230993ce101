"""The Journey aggregate: one patient's KAP treatment episode, stored as its events.

Every public command checks the J-rules against the journey's facts and the time the
entry occurred, then records one event. Events only assign state (``domain.fold``),
so a replay rebuilds exactly what was decided.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.audit.hashing import GENESIS
from domain.audit.seal import Seal, entry_content, seal
from domain.entries import Actor, Entry, Posting, parse_time
from domain.fold import apply_entry, note_arrival
from domain.journey_facts import JourneyFacts
from domain.payloads import (
    AdverseEventReportedPayload,
    ConsentSignedPayload,
    ConsentWithdrawnPayload,
    ConsultationCompletedPayload,
    CorrectedEntry,
    DosingSessionCancelledPayload,
    EntryCorrectedPayload,
    GuidedTherapyNotedPayload,
    IntegrationCompletedPayload,
    JourneyClosedPayload,
    JourneyOpenedPayload,
    JourneyPausedPayload,
    JourneyResumedPayload,
    KetamineAdministeredPayload,
    MedicationsReconciledPayload,
    OutcomeMeasureRecordedPayload,
    PatientDischargedPayload,
    PreDoseCheckCompletedPayload,
    PreparationCompletedPayload,
    RemsMonitoringFormSubmittedPayload,
    RemsPatientEnrolledPayload,
    SafetyReviewCompletedPayload,
    ScreeningCompletedPayload,
    TreatmentPlanUpdatedPayload,
    VitalsRecordedPayload,
)
from domain.protocols import ProtocolProfile
from domain.rules import aftercare, pathway, rems
from domain.rules.adverse_events import check_adverse_event_times
from domain.rules.closing import check_close
from domain.rules.common import check_posting, check_time_plausible
from domain.rules.corrections import check_correction
from domain.rules.dose import check_dose
from domain.rules.plans import check_treatment_plan
from domain.rules.roles import check_opener, check_role
from domain.rules.sessions import check_pre_dose_check_opens
from domain.scales import score
from domain.snapshot_upcasts import facts_v1_v2, facts_v2_v3

UNATTRIBUTED_SOURCE = "unattributed"


def _optional_fields_added(state: dict[str, Any]) -> None:
    """The version added optional fields only: an older entry lacks them, which reads as
    "not recorded" (the rules of the protocol version it was made under never ask)."""


def actor_label(recorded_by: Mapping[str, str]) -> str:
    return f"{recorded_by['id']} ({recorded_by['role']})"


def stored_content(event: Any, type_name: str) -> dict[str, Any]:
    """What a stored entry's seal covers, read back from the event itself."""
    return state_content(vars(event), type_name)


def state_content(state: Mapping[str, Any], type_name: str) -> dict[str, Any]:
    """What a seal covers, read from an event's state: the event's own, or the state as
    it is stored (before any upcaster reshapes it, which is what the seal was made over)."""
    return entry_content(
        journey_id=state["originator_id"],
        type=type_name,
        version=state["originator_version"],
        occurred_at=state["occurred_at"],
        recorded_at=state["timestamp"],
        recorded_by=state["recorded_by"],
        source=state["source"],
        idempotency_key=state["idempotency_key"],
        data=state["data"],
        corrected=state.get("corrected"),
    )


class Journey(Aggregate):
    """One treatment episode, from consultation to maintenance plan or closure.

    Snapshots store the journey's ``facts`` as they stand, so the shape of
    ``JourneyFacts`` is a stored shape: ``class_version`` counts it (snapshots written
    at version 1 carry none, the library's "absent means 1"). A change to the facts
    that an old snapshot cannot load as is bumps it, with ``upcast_vN_vN+1`` working
    on the snapshot's state; ``domain.journey_facts.stored_facts(state)`` gives it the facts as
    a dict to change.

    Each event class states its own ``class_version`` and payload type: entries are at
    3 (the envelope's source and seal), the opening at 2 (its seal). A change to one
    event type's payload bumps that class alone.

    Version 2 (protocol 2027-1) added weights, boosters, session vitals, discharge
    findings, hold tiers, enrollment, medication lists and the staff seen; version 3 the
    consultation's diagnoses.
    """

    class_version = 3
    upcast_v1_v2 = staticmethod(facts_v1_v2)
    upcast_v2_v3 = staticmethod(facts_v2_v3)

    @property
    def facts(self) -> JourneyFacts:
        """What the journey knows (assigned by ``JourneyOpened.apply``). A snapshot whose
        upcasters reshaped it (``domain.journey_facts.stored_facts``) hands it over as a dict,
        read as ``JourneyFacts`` here, once."""
        facts = self.__dict__["facts"]
        if not isinstance(facts, JourneyFacts):
            facts = self.__dict__["facts"] = JourneyFacts(**facts)
        return facts

    @facts.setter
    def facts(self, facts: JourneyFacts) -> None:
        self.__dict__["facts"] = facts

    class JourneyOpened(Aggregate.Created):
        """Version 2 added the seal (salt, digest, hash) that starts the journey's chain."""

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(salt="", digest="", hash="")

        occurred_at: datetime
        recorded_by: dict[str, str]
        source: str
        idempotency_key: str | None
        data: JourneyOpenedPayload
        salt: str
        digest: str
        hash: str

        def content(self) -> dict[str, Any]:
            return stored_content(self, "JourneyOpened")

        def entry(self) -> Entry:
            return Entry(
                1,
                "JourneyOpened",
                self.occurred_at,
                self.timestamp,
                self.data,
                recorded_by=actor_label(self.recorded_by),
                by=Actor(**self.recorded_by),
            )

        def apply(self, aggregate: Any) -> None:
            d = self.data
            aggregate.facts = JourneyFacts(
                clinic_id=d["clinic_id"],
                patient_ref=d["patient_ref"],
                episode=d["episode"],
                protocol=d["protocol"],
                primary_clinician=d["primary_clinician"],
                presenting_concerns=list(d["presenting_concerns"]),
                opened_at=self.occurred_at,
                last_event_at=self.timestamp,
                chain_head=self.hash,
            )
            note_arrival(aggregate.facts, self.entry(), None)

    class Event(Aggregate.Event):
        """An entry of the journey: who recorded what, when, from which system.

        Version 2 added ``source`` (the posting API client); entries stored before it
        load as ``unattributed``. Version 3 added the seal (salt, digest, hash) that
        chains each entry to the one before; older entries load unsealed, and the
        verifier reports them as such.
        """

        class_version = 3

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["source"] = UNATTRIBUTED_SOURCE

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state.update(salt="", digest="", hash="")

        occurred_at: datetime
        recorded_by: dict[str, str]
        source: str
        idempotency_key: str | None
        data: Mapping[str, Any]
        """The payload: each event class narrows it to its type from ``domain.payloads``."""
        salt: str
        digest: str
        hash: str

        def apply(self, aggregate: Any) -> None:
            entry = self.entry()
            apply_entry(aggregate.facts, entry)
            note_arrival(aggregate.facts, entry, self.idempotency_key)
            aggregate.facts.chain_head = self.hash

        def content(self) -> dict[str, Any]:
            return stored_content(self, type(self).__name__)

        def entry(self) -> Entry:
            return Entry(
                self.originator_version,
                type(self).__name__,
                self.occurred_at,
                self.timestamp,
                self.data,
                recorded_by=actor_label(self.recorded_by),
                by=Actor(**self.recorded_by),
            )

    class ConsultationCompleted(Event):
        """Version 4 added the optional ``diagnoses`` (ICD-10-CM codes)."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: ConsultationCompletedPayload

    class OutcomeMeasureRecorded(Event):
        """Version 4 added the optional ``behaviour_within_3_months`` (C-SSRS item 6)."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: OutcomeMeasureRecordedPayload

    class ScreeningCompleted(Event):
        """Version 4 added the optional ``childbearing_potential`` and
        ``contraindications.arteriovenous_malformation``."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: ScreeningCompletedPayload

    class ConsentSigned(Event):
        class_version = 3
        data: ConsentSignedPayload

    class ConsentWithdrawn(Event):
        class_version = 3
        data: ConsentWithdrawnPayload

    class PreparationCompleted(Event):
        """Version 4 added the optional ``minutes`` (the psychotherapy's length)."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: PreparationCompletedPayload

    class PreDoseCheckCompleted(Event):
        """Version 4 added the optional ``weight_kg`` weighed at the check."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: PreDoseCheckCompletedPayload

    class KetamineAdministered(Event):
        """Version 4 added the optional ``booster`` and ``infusion_minutes``."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: KetamineAdministeredPayload

    class VitalsRecorded(Event):
        class_version = 3
        data: VitalsRecordedPayload

    class GuidedTherapyNoted(Event):
        """Version 4 added the optional ``minutes`` (the psychotherapy's length)."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: GuidedTherapyNotedPayload

    class AdverseEventReported(Event):
        """Version 4 added the optional ``onset_at``, ``resolved_at`` and ``reported_to``."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: AdverseEventReportedPayload

    class PatientDischarged(Event):
        """Version 4 added the optional ``sedation_resolved``, ``dissociation_resolved`` and
        ``respiratory_depression_resolved``."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: PatientDischargedPayload

    class DosingSessionCancelled(Event):
        class_version = 3
        data: DosingSessionCancelledPayload

    class IntegrationCompleted(Event):
        """Version 4 added the optional ``minutes`` (the psychotherapy's length)."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: IntegrationCompletedPayload

    class TreatmentPlanUpdated(Event):
        class_version = 3
        data: TreatmentPlanUpdatedPayload

    class SafetyReviewCompleted(Event):
        """Version 4 added the optional ``safety_plan`` and ``interactions_reviewed``."""

        class_version = 4
        upcast_v3_v4 = staticmethod(_optional_fields_added)
        data: SafetyReviewCompletedPayload

    class RemsMonitoringFormSubmitted(Event):
        class_version = 3
        data: RemsMonitoringFormSubmittedPayload

    class RemsPatientEnrolled(Event):
        """The patient's Spravato REMS enrollment (J-16): new with 2027-1."""

        class_version = 3
        data: RemsPatientEnrolledPayload

    class MedicationsReconciled(Event):
        """The patient's current medications, reconciled (J-07 interactions): new with 2027-1."""

        class_version = 3
        data: MedicationsReconciledPayload

    class JourneyPaused(Event):
        class_version = 3
        data: JourneyPausedPayload

    class JourneyResumed(Event):
        class_version = 3
        data: JourneyResumedPayload

    class JourneyClosed(Event):
        class_version = 3
        data: JourneyClosedPayload

    class EntryCorrected(Event):
        """Names an earlier entry and its corrected fields; the original stays in history.

        ``corrected`` carries the earlier entry's type, time and full corrected data,
        so a replay re-applies it without reading anything else.
        """

        class_version = 3
        data: EntryCorrectedPayload
        corrected: CorrectedEntry

        def apply(self, aggregate: Any) -> None:
            c = self.corrected
            entry = Entry(
                self.data["corrects_version"],
                c["type"],
                parse_time(c["occurred_at"]),
                self.timestamp,
                c["data"],
                applied_in=self.originator_version,
            )
            apply_entry(aggregate.facts, entry)
            aggregate.facts.corrections.append(
                {
                    "version": self.originator_version,
                    "at": self.occurred_at,
                    "corrects_version": self.data["corrects_version"],
                    "corrects_type": c["type"],
                    "fields": sorted(self.data["data"]),
                    "reason": self.data["reason"],
                    "by": actor_label(self.recorded_by),
                }
            )
            note_arrival(aggregate.facts, self.entry(), self.idempotency_key)
            aggregate.facts.chain_head = self.hash

    @classmethod
    def open(
        cls,
        *,
        journey_id: UUID,
        clinic_id: str,
        patient_ref: str,
        episode: int,
        profile: ProtocolProfile,
        primary_clinician: str,
        presenting_concerns: list[str],
        posting: Posting,
    ) -> Journey:
        """Open the journey under ``journey_id``, named by the application (a keyed id)."""
        check_time_plausible(posting.occurred_at, posting.recorded_at, posting.occurred_at)
        check_opener(posting.recorded_by, posting.clinic)
        data: JourneyOpenedPayload = {
            "clinic_id": clinic_id,
            "patient_ref": patient_ref,
            "episode": episode,
            "protocol": profile.as_dict(),
            "primary_clinician": primary_clinician,
            "presenting_concerns": presenting_concerns,
        }
        sealed = _sealed(journey_id, "JourneyOpened", 1, posting, data, None, GENESIS)
        return cls._create(
            cls.JourneyOpened,
            id=journey_id,
            timestamp=posting.recorded_at,
            occurred_at=posting.occurred_at,
            recorded_by=posting.recorded_by.as_dict(),
            source=posting.source,
            idempotency_key=posting.idempotency_key,
            data=data,
            salt=sealed.salt,
            digest=sealed.digest,
            hash=sealed.hash,
        )

    def _record(
        self, event_class: type[Event], data: Mapping[str, Any], posting: Posting, **extra: Any
    ) -> None:
        check_role(self.facts, event_class.__name__, data, posting.recorded_by, posting.clinic)
        sealed = _sealed(
            self.id,
            event_class.__name__,
            self.version + 1,
            posting,
            data,
            extra.get("corrected"),
            self.facts.chain_head,
        )
        self.trigger_event(
            event_class,
            timestamp=posting.recorded_at,
            occurred_at=posting.occurred_at,
            recorded_by=posting.recorded_by.as_dict(),
            source=posting.source,
            idempotency_key=posting.idempotency_key,
            data=dict(data),
            salt=sealed.salt,
            digest=sealed.digest,
            hash=sealed.hash,
            **extra,
        )

    # Commands: check the rules, then record. ``data`` is the event type's payload.

    def complete_consultation(self, data: ConsultationCompletedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        self._record(self.ConsultationCompleted, data, posting)

    def record_outcome_measure(self, data: OutcomeMeasureRecordedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        score(data["instrument"], data["items"])
        self._record(self.OutcomeMeasureRecorded, data, posting)

    def complete_screening(self, data: ScreeningCompletedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        pathway.check_screening(self.facts, data)
        self._record(self.ScreeningCompleted, data, posting)

    def sign_consent(self, data: ConsentSignedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        pathway.check_consent(self.facts, data)
        self._record(self.ConsentSigned, data, posting)

    def withdraw_consent(self, data: ConsentWithdrawnPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        pathway.check_consent_withdrawal(self.facts)
        self._record(self.ConsentWithdrawn, data, posting)

    def complete_preparation(self, data: PreparationCompletedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        pathway.check_preparation(self.facts)
        self._record(self.PreparationCompleted, data, posting)

    def complete_pre_dose_check(self, data: PreDoseCheckCompletedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        pathway.check_dosing_allowed(self.facts)
        check_pre_dose_check_opens(self.facts, int(data["session"]))
        self._record(self.PreDoseCheckCompleted, data, posting)

    def administer_dose(self, data: KetamineAdministeredPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        check_dose(self.facts, data, posting.occurred_at, posting.clinic)
        self._record(self.KetamineAdministered, data, posting)

    def record_vitals(self, data: VitalsRecordedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        aftercare.check_session_note(self.facts, data)
        self._record(self.VitalsRecorded, data, posting)

    def note_guided_therapy(self, data: GuidedTherapyNotedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        aftercare.check_session_note(self.facts, data)
        self._record(self.GuidedTherapyNoted, data, posting)

    def report_adverse_event(self, data: AdverseEventReportedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        aftercare.check_session_note(self.facts, data)
        check_adverse_event_times(data)
        self._record(self.AdverseEventReported, data, posting)

    def discharge_patient(self, data: PatientDischargedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        aftercare.check_discharge(self.facts, data, posting.occurred_at)
        self._record(self.PatientDischarged, data, posting)

    def cancel_dosing_session(self, data: DosingSessionCancelledPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        aftercare.check_cancellation(self.facts, data)
        self._record(self.DosingSessionCancelled, data, posting)

    def complete_integration(self, data: IntegrationCompletedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        aftercare.check_integration(self.facts, data)
        self._record(self.IntegrationCompleted, data, posting)

    def update_treatment_plan(self, data: TreatmentPlanUpdatedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        check_treatment_plan(self.facts, data, posting.recorded_by)
        self._record(self.TreatmentPlanUpdated, data, posting)

    def complete_safety_review(self, data: SafetyReviewCompletedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        pathway.check_safety_review(posting.recorded_by)
        self._record(self.SafetyReviewCompleted, data, posting)

    def enroll_in_rems(self, data: RemsPatientEnrolledPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        rems.check_enrollment(self.facts)
        self._record(self.RemsPatientEnrolled, data, posting)

    def reconcile_medications(self, data: MedicationsReconciledPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        self._record(self.MedicationsReconciled, data, posting)

    def submit_rems_form(self, data: RemsMonitoringFormSubmittedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        aftercare.check_rems_form(self.facts, data)
        self._record(self.RemsMonitoringFormSubmitted, data, posting)

    def pause(self, data: JourneyPausedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        pathway.check_pause(self.facts)
        self._record(self.JourneyPaused, data, posting)

    def resume(self, data: JourneyResumedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        pathway.check_resume(self.facts)
        self._record(self.JourneyResumed, data, posting)

    def close(self, data: JourneyClosedPayload, posting: Posting) -> None:
        check_posting(self.facts, posting)
        check_close(self.facts)
        self._record(self.JourneyClosed, data, posting)

    def correct_entry(self, data: EntryCorrectedPayload, original: Entry, posting: Posting) -> None:
        """Correct an earlier entry; ``original`` is that entry with corrections so far."""
        check_time_plausible(posting.occurred_at, posting.recorded_at, self.facts.opened_at)
        record: CorrectedEntry = {
            "type": original.type,
            "occurred_at": original.occurred_at.isoformat(),
            "data": check_correction(original, data["data"], self.facts.profile),
        }
        check_role(self.facts, original.type, record["data"], posting.recorded_by, posting.clinic)
        self._record(self.EntryCorrected, data, posting, corrected=record)


def _sealed(
    journey_id: UUID,
    type_name: str,
    version: int,
    posting: Posting,
    data: Mapping[str, Any],
    corrected: Mapping[str, Any] | None,
    previous_hash: str,
) -> Seal:
    content = entry_content(
        journey_id=journey_id,
        type=type_name,
        version=version,
        occurred_at=posting.occurred_at,
        recorded_at=posting.recorded_at,
        recorded_by=posting.recorded_by.as_dict(),
        source=posting.source,
        idempotency_key=posting.idempotency_key,
        data=data,
        corrected=corrected,
    )
    return seal(posting.salt, content, previous_hash)


Command = Callable[[Journey, Any, Posting], None]
"""A command method, called with the journey, its event type's payload and the posting."""

COMMANDS: dict[type[Journey.Event], Command] = {
    Journey.ConsultationCompleted: Journey.complete_consultation,
    Journey.OutcomeMeasureRecorded: Journey.record_outcome_measure,
    Journey.ScreeningCompleted: Journey.complete_screening,
    Journey.ConsentSigned: Journey.sign_consent,
    Journey.ConsentWithdrawn: Journey.withdraw_consent,
    Journey.PreparationCompleted: Journey.complete_preparation,
    Journey.PreDoseCheckCompleted: Journey.complete_pre_dose_check,
    Journey.KetamineAdministered: Journey.administer_dose,
    Journey.VitalsRecorded: Journey.record_vitals,
    Journey.GuidedTherapyNoted: Journey.note_guided_therapy,
    Journey.AdverseEventReported: Journey.report_adverse_event,
    Journey.PatientDischarged: Journey.discharge_patient,
    Journey.DosingSessionCancelled: Journey.cancel_dosing_session,
    Journey.IntegrationCompleted: Journey.complete_integration,
    Journey.TreatmentPlanUpdated: Journey.update_treatment_plan,
    Journey.SafetyReviewCompleted: Journey.complete_safety_review,
    Journey.RemsMonitoringFormSubmitted: Journey.submit_rems_form,
    Journey.RemsPatientEnrolled: Journey.enroll_in_rems,
    Journey.MedicationsReconciled: Journey.reconcile_medications,
    Journey.JourneyPaused: Journey.pause,
    Journey.JourneyResumed: Journey.resume,
    Journey.JourneyClosed: Journey.close,
}
"""Which command records each appendable event type (EntryCorrected is
``Journey.correct_entry``: it needs the entry it corrects)."""

_CORRECTION: type[Journey.Event] = Journey.EntryCorrected

APPENDABLE: dict[str, type[Journey.Event]] = {
    event_class.__name__: event_class for event_class in [*COMMANDS, _CORRECTION]
}
"""Every event type a client may append, by its stored name (JourneyOpened is made by
``Journey.open``)."""


def command_for(type_name: str) -> Command:
    """The command that records an appendable event type; KeyError for any other."""
    return COMMANDS[APPENDABLE[type_name]]
