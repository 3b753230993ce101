"""The Clinic aggregate: a clinic's settings, staff directory, REMS certification,
published protocols and fee schedule, each change an event kept for ever.

A clinic is named by the string its tokens carry (``clinic_id``); its aggregate id is
derived from that name, so the first change registers it and every later one finds it.
Every event names the operator who made the change (``recorded_by``), and its
``timestamp`` is when the change was made.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.clinic_context import ClinicContext
from domain.clinic_settings import (
    RemsCertification,
    StaffMember,
    checked_certification,
    checked_settings,
    checked_staff_member,
)
from domain.errors import ClinicSettingError
from domain.protocol_profile import ProtocolProfile

CLINIC_NAMESPACE = uuid5(NAMESPACE_URL, "https://kap-journeys.example/clinics")


def clinic_uuid(clinic_id: str) -> UUID:
    """The aggregate id of the clinic its tokens call ``clinic_id``."""
    return uuid5(CLINIC_NAMESPACE, clinic_id)


class Clinic(Aggregate):
    """One clinic as an admin set it up, change by change.

    ``protocols`` holds every published protocol version, oldest first: {name, version,
    base, changes, profile, published_at, published_by}.
    """

    if TYPE_CHECKING:  # assigned by Registered.apply (the library makes annotated
        # attributes of an aggregate's class into arguments of its constructor)
        clinic_id: str
        settings: dict[str, Any]
        staff: dict[str, dict[str, Any]]
        rems_certification: dict[str, str] | None
        protocols: list[dict[str, Any]]
        fee_schedule: dict[str, Any] | None

    class Registered(Aggregate.Created):
        clinic_id: str
        recorded_by: str

        def apply(self, aggregate: Any) -> None:
            aggregate.clinic_id = self.clinic_id
            aggregate.settings = {}
            aggregate.staff = {}
            aggregate.rems_certification = None
            aggregate.protocols = []
            aggregate.fee_schedule = None

    class Event(Aggregate.Event):
        recorded_by: str

    class SettingsChanged(Event):
        changes: dict[str, Any]
        """The settings set, checked (None clears one)."""

        def apply(self, aggregate: Any) -> None:
            for name, value in self.changes.items():
                if value is None:
                    aggregate.settings.pop(name, None)
                else:
                    aggregate.settings[name] = value

    class StaffMemberRecorded(Event):
        member: dict[str, Any]
        """A ``StaffMember`` as a dict: added, changed, deactivated or reactivated."""

        def apply(self, aggregate: Any) -> None:
            aggregate.staff[self.member["staff_id"]] = dict(self.member)

    class RemsCertificationRecorded(Event):
        certification: dict[str, str] | None
        """{certification_id, certified_on}, or None when it lapsed or was withdrawn."""

        def apply(self, aggregate: Any) -> None:
            aggregate.rems_certification = self.certification

    class ProtocolPublished(Event):
        published: dict[str, Any]

        def apply(self, aggregate: Any) -> None:
            aggregate.protocols.append(dict(self.published, published_at=self.timestamp))

    class FeeScheduleSet(Event):
        schedule: dict[str, Any]

        def apply(self, aggregate: Any) -> None:
            aggregate.fee_schedule = dict(self.schedule)

    @classmethod
    def register(cls, clinic_id: str, by: str, at: datetime) -> Clinic:
        return cls._create(
            cls.Registered,
            id=clinic_uuid(clinic_id),
            timestamp=at,
            clinic_id=clinic_id,
            recorded_by=by,
        )

    # Commands: each records one event, or none when nothing would change.

    def change_settings(self, changes: Mapping[str, Any], by: str, at: datetime) -> None:
        checked = checked_settings(changes)
        changed = {k: v for k, v in checked.items() if self.settings.get(k) != v}
        if changed:
            self.trigger_event(self.SettingsChanged, timestamp=at, recorded_by=by, changes=changed)

    def record_staff_member(self, values: Mapping[str, Any], by: str, at: datetime) -> StaffMember:
        member = checked_staff_member(values)
        if self.staff.get(member.staff_id) != member.as_dict():
            self.trigger_event(
                self.StaffMemberRecorded, timestamp=at, recorded_by=by, member=member.as_dict()
            )
        return member

    def deactivate_staff_member(self, staff_id: str, by: str, at: datetime) -> StaffMember:
        if staff_id not in self.staff:
            raise ClinicSettingError(
                "staff_id", f"{staff_id!r} is not in the directory: add them first."
            )
        return self.record_staff_member({**self.staff[staff_id], "active": False}, by, at)

    def record_rems_certification(
        self, values: Mapping[str, Any] | None, by: str, at: datetime
    ) -> None:
        certification = None if values is None else checked_certification(values).as_dict()
        if certification != self.rems_certification:
            self.trigger_event(
                self.RemsCertificationRecorded,
                timestamp=at,
                recorded_by=by,
                certification=certification,
            )

    def publish_protocol(
        self, profile: ProtocolProfile, base: str, changes: Mapping[str, Any], by: str, at: datetime
    ) -> None:
        """Publish a version checked by ``domain.clinic_protocols``; versions never change."""
        if any(
            p["name"] == profile.name and p["version"] == profile.version for p in self.protocols
        ):
            raise ClinicSettingError(
                "version", f"{profile.name} {profile.version} is published; versions never change."
            )
        published = {
            "name": profile.name,
            "version": profile.version,
            "base": base,
            "changes": dict(changes),
            "profile": profile.as_dict(),
            "published_by": by,
        }
        self.trigger_event(
            self.ProtocolPublished, timestamp=at, recorded_by=by, published=published
        )

    def set_fee_schedule(self, schedule: Mapping[str, Any], by: str, at: datetime) -> None:
        """Set the schedule checked by ``domain.billing``."""
        if dict(schedule) != self.fee_schedule:
            self.trigger_event(
                self.FeeScheduleSet, timestamp=at, recorded_by=by, schedule=dict(schedule)
            )

    # Reads.

    def latest_protocols(self) -> dict[str, ProtocolProfile]:
        """The latest published version of each of the clinic's protocols, by name."""
        latest: dict[str, ProtocolProfile] = {}
        for published in self.protocols:
            latest[published["name"]] = ProtocolProfile.from_dict(published["profile"])
        return latest

    def context(self) -> ClinicContext:
        certification = self.rems_certification
        return ClinicContext(
            clinic_id=self.clinic_id,
            time_zone=self.settings.get("time_zone", "UTC"),
            staff={sid: StaffMember(**member) for sid, member in self.staff.items()},
            rems_certification=(
                None
                if certification is None
                else RemsCertification(
                    certification["certification_id"],
                    datetime.fromisoformat(certification["certified_on"]).date(),
                )
            ),
            protocols=self.latest_protocols(),
        )
