"""The Clinic aggregate: each change one event, replayed to the same clinic; a change
that changes nothing records nothing; the context a journey reads follows the clinic."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from eventsourcing.application import Application

from domain.clinic import Clinic, clinic_uuid
from domain.clinic_settings import RemsCertification, StaffMember
from domain.errors import ClinicSettingError
from domain.protocols import KAP_STANDARD

AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
NURSE = {"staff_id": "nurse-kim", "name": "Min Kim", "role": "nurse", "credentials": "RN"}
CERT = {"certification_id": "HCS-0001", "certified_on": "2025-03-03"}


def registered() -> Clinic:
    clinic = Clinic.register("denver", "ops", AT)
    clinic.change_settings({"display_name": "Aspen", "time_zone": "America/Denver"}, "ops", AT)
    return clinic


def test_a_clinic_is_named_by_its_token_string() -> None:
    assert registered().id == clinic_uuid("denver")
    assert clinic_uuid("denver") != clinic_uuid("Denver")


def test_each_change_is_one_event_and_a_change_to_nothing_is_none() -> None:
    clinic = registered()
    clinic.change_settings({"display_name": "Aspen"}, "ops", AT)
    clinic.record_staff_member(NURSE, "ops", AT)
    clinic.record_staff_member(NURSE, "ops", AT)
    clinic.record_rems_certification(None, "ops", AT)  # none on record: nothing to withdraw
    clinic.record_rems_certification(CERT, "ops", AT)
    clinic.record_rems_certification(CERT, "ops", AT)
    types = [type(e).__name__ for e in clinic.collect_events()]
    assert types == [
        "Registered",
        "SettingsChanged",
        "StaffMemberRecorded",
        "RemsCertificationRecorded",
    ]


def test_a_settings_change_records_only_what_changed_and_none_clears() -> None:
    clinic = registered()
    clinic.collect_events()
    clinic.change_settings({"display_name": "Aspen", "phone": "+1 303 555 0142"}, "ops", AT)
    (event,) = clinic.collect_events()
    assert event.changes == {"phone": "+1 303 555 0142"}
    clinic.change_settings({"phone": None}, "ops", AT)
    assert "phone" not in clinic.settings


def test_the_clinic_replays_from_its_events() -> None:
    app: Application = Application()
    clinic = registered()
    clinic.record_staff_member(NURSE, "ops", AT)
    clinic.deactivate_staff_member("nurse-kim", "ops", AT + timedelta(days=1))
    clinic.record_rems_certification(CERT, "ops", AT)
    clinic.publish_protocol(
        replace(KAP_STANDARD, name="denver-kap", version="1"), "kap-standard 2027-1", {}, "ops", AT
    )
    clinic.set_fee_schedule({"90792": 35000}, "ops", AT)
    app.save(clinic)
    again: Clinic = app.repository.get(clinic.id)
    assert again.settings == clinic.settings
    assert again.staff == clinic.staff == {"nurse-kim": {**NURSE, "npi": None, "active": False}}
    assert again.rems_certification == CERT
    assert [(p["name"], p["version"]) for p in again.protocols] == [("denver-kap", "1")]
    assert again.protocols[0]["published_at"] == AT
    assert again.fee_schedule == {"90792": 35000}
    assert again.version == clinic.version == 7


def test_only_a_listed_member_is_deactivated() -> None:
    with pytest.raises(ClinicSettingError) as caught:
        registered().deactivate_staff_member("nobody", "ops", AT)
    assert caught.value.field == "staff_id"


def test_a_published_version_never_changes() -> None:
    clinic = registered()
    profile = replace(KAP_STANDARD, name="denver-kap", version="1")
    clinic.publish_protocol(profile, "kap-standard 2027-1", {}, "ops", AT)
    with pytest.raises(ClinicSettingError) as caught:
        clinic.publish_protocol(profile, "kap-standard 2027-1", {}, "ops", AT)
    assert "never change" in caught.value.detail
    clinic.publish_protocol(replace(profile, version="2"), "kap-standard 2027-1", {}, "ops", AT)
    assert clinic.latest_protocols()["denver-kap"].version == "2"


def test_the_context_a_journey_reads() -> None:
    clinic = registered()
    assert clinic.context().rems_certification is None
    assert not clinic.context().keeps_directory
    clinic.record_staff_member(NURSE, "ops", AT)
    clinic.record_rems_certification(CERT, "ops", AT)
    context = clinic.context()
    assert context.time_zone == "America/Denver"
    assert str(context.zone) == "America/Denver"
    assert context.keeps_directory
    assert context.staff["nurse-kim"] == StaffMember("nurse-kim", "Min Kim", "nurse", "RN")
    assert context.rems_certification == RemsCertification("HCS-0001", date(2025, 3, 3))
    assert context.protocols == {}


def test_a_clinic_without_a_zone_reads_utc_itself() -> None:
    clinic = Clinic.register("denver", "ops", AT)
    assert clinic.context().zone is UTC
