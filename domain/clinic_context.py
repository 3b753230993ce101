"""What a journey's rules and sentences read of its clinic, as the clinic stands when an
entry arrives: its time zone, staff directory, REMS certification and protocols.

The application hands it to the journey with each entry (``Posting.clinic``); it is not
stored with the entry: what it decided is (the entry was recorded or refused).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from domain.clinic_settings import RemsCertification, StaffMember, zone_named
from domain.protocol_profile import ProtocolProfile


@dataclass(frozen=True)
class ClinicContext:
    clinic_id: str
    time_zone: str = "UTC"
    staff: Mapping[str, StaffMember] = field(default_factory=dict)
    """The staff directory by staff id; empty when the clinic keeps none."""
    rems_certification: RemsCertification | None = None
    protocols: Mapping[str, ProtocolProfile] = field(default_factory=dict)
    """The latest version of each protocol the clinic published, by name."""

    @property
    def zone(self) -> tzinfo:
        """The clinic's zone (``datetime.UTC`` itself for UTC: moments read as before)."""
        return UTC if self.time_zone == "UTC" else zone_named(self.time_zone)

    @property
    def keeps_directory(self) -> bool:
        """Role checks use the directory once the clinic lists anyone in it."""
        return bool(self.staff)
