"""Clinics: the use cases that set a clinic up and read it, on its own event table.

Each clinic is a ``domain.clinic.Clinic`` aggregate: the first change registers it. Its
events live beside the journeys' in the same database but in a table of their own, so
the journey log (its chains, checkpoints and projections) holds journeys only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import ApplicationRecorder, IntegrityError

from application.errors import ApplicationError
from application.journeys import utc_now
from domain.clinic import Clinic, clinic_uuid
from domain.clinic_context import ClinicContext
from domain.clinic_settings import SETTINGS
from domain.protocol_profile import ProtocolProfile

WRITE_ATTEMPTS = 5
T = TypeVar("T")


class ClinicNotRegisteredError(ApplicationError):
    """No settings were ever recorded for the clinic."""

    def __init__(self, clinic_id: str) -> None:
        super().__init__(
            f"Clinic {clinic_id!r} has no settings yet: an admin sets them with "
            f"PUT /v1/clinics/{clinic_id} or `kap-journeys clinics set`."
        )
        self.clinic_id = clinic_id


class ClinicConflictError(ApplicationError):
    """The clinic kept changing under concurrent writes."""


class Clinics(Application[UUID]):
    """Every clinic's settings, staff directory, certification, protocols and fees."""

    name = "KAPClinics"
    env: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
        recorder: ApplicationRecorder | None = None,
    ) -> None:
        """``recorder`` stores the clinics' events (the interface gives one of their own
        table on the journeys' connections); without it, the store the environment names."""
        self._given_recorder = recorder
        self._contexts: dict[UUID, tuple[int, ClinicContext]] = {}
        """Each clinic's context as made at a version (clinics are few)."""
        super().__init__(env)
        self.clock = clock or utc_now

    def construct_recorder(self) -> ApplicationRecorder:
        return self._given_recorder or super().construct_recorder()

    # Reads.

    def clinic(self, clinic_id: str) -> Clinic:
        """The clinic as it stands (ClinicNotRegisteredError before its first setting)."""
        try:
            clinic: Clinic = self.repository.get(clinic_uuid(clinic_id))
        except AggregateNotFoundError:
            raise ClinicNotRegisteredError(clinic_id) from None
        return clinic

    def context(self, clinic_id: str) -> ClinicContext:
        """What a journey reads of its clinic; an unregistered clinic has no directory, no
        REMS certification, no protocols of its own, and reads time in UTC.

        Every entry and status reads it, so with a kept clinic (the environment's
        aggregate cache) this is one query for changes since, and the context is made
        again only when the clinic has changed. The kept clinic is only read here, so
        it is not copied."""
        try:
            clinic: Clinic = self.repository.get(clinic_uuid(clinic_id), deepcopy_from_cache=False)
        except AggregateNotFoundError:
            return ClinicContext(clinic_id)
        made = self._contexts.get(clinic.id)
        if made is None or made[0] != clinic.version:
            made = (clinic.version, clinic.context())
            self._contexts[clinic.id] = made
        return made[1]

    def changes(self, clinic_id: str) -> list[Any]:
        """Every change to the clinic, oldest first (its own audit trail)."""
        return list(self.events.get(clinic_uuid(clinic_id)))

    # Writes: each registers the clinic on its first change.

    def change_settings(self, clinic_id: str, changes: Mapping[str, Any], by: str) -> Clinic:
        return self._change(clinic_id, by, lambda c, at: c.change_settings(changes, by, at))

    def replace_settings(
        self,
        clinic_id: str,
        settings: Mapping[str, Any],
        certification: Mapping[str, Any] | None,
        by: str,
    ) -> Clinic:
        """Every setting and the REMS certification at once (a setting not given is
        cleared): both are checked before either is recorded, and saved together."""
        everything = {name: settings.get(name) for name in SETTINGS}

        def change(clinic: Clinic, at: datetime) -> None:
            clinic.change_settings(everything, by, at)
            clinic.record_rems_certification(certification, by, at)

        return self._change(clinic_id, by, change)

    def record_staff_member(self, clinic_id: str, values: Mapping[str, Any], by: str) -> Clinic:
        return self._change(clinic_id, by, lambda c, at: c.record_staff_member(values, by, at))

    def deactivate_staff_member(self, clinic_id: str, staff_id: str, by: str) -> Clinic:
        return self._change(
            clinic_id, by, lambda c, at: c.deactivate_staff_member(staff_id, by, at)
        )

    def record_rems_certification(
        self, clinic_id: str, values: Mapping[str, Any] | None, by: str
    ) -> Clinic:
        return self._change(
            clinic_id, by, lambda c, at: c.record_rems_certification(values, by, at)
        )

    def publish_protocol(
        self,
        clinic_id: str,
        profile: ProtocolProfile,
        base: str,
        changes: Mapping[str, Any],
        by: str,
    ) -> Clinic:
        """Publish a protocol version already checked against the safety envelope."""
        return self._change(
            clinic_id, by, lambda c, at: c.publish_protocol(profile, base, changes, by, at)
        )

    def set_fee_schedule(self, clinic_id: str, schedule: Mapping[str, Any], by: str) -> Clinic:
        """Set a fee schedule already checked (``domain.billing``)."""
        return self._change(clinic_id, by, lambda c, at: c.set_fee_schedule(schedule, by, at))

    def _change(self, clinic_id: str, by: str, change: Callable[[Clinic, datetime], Any]) -> Clinic:
        """Apply ``change`` to the clinic as it stands and save; decided again when a
        concurrent change won the race."""
        for _ in range(WRITE_ATTEMPTS):
            at = self.clock()
            try:
                clinic = self.clinic(clinic_id)
            except ClinicNotRegisteredError:
                clinic = Clinic.register(clinic_id, by, at)
            change(clinic, at)
            try:
                self.save(clinic)
            except IntegrityError:
                continue
            return clinic
        raise ClinicConflictError(f"Clinic {clinic_id} kept changing; retry the request.")
