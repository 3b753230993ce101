"""A clinic's settings and staff directory: its admin sets them, its people read them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from domain.billing.fee_schedule import check_fee_schedule, effective_schedule
from domain.clinic import Clinic
from interface.http.clinic_access import (
    CLINIC_ERRORS,
    Admin,
    ClinicAuditors,
    ClinicId,
    ClinicPeople,
    own_clinic,
)
from interface.http.deps import ServicesDep
from interface.http.schemas import Problem
from interface.http.schemas.clinics import (
    ClinicChangePublic,
    ClinicChangesPublic,
    ClinicPublic,
    ClinicSettingsPut,
    FeeSchedulePublic,
    FeeSchedulePut,
    StaffMemberPublic,
    StaffMemberPut,
    StaffPublic,
)

router = APIRouter(prefix="/v1/clinics", tags=["clinics"])

REFUSED: dict[int | str, dict[str, Any]] = {
    422: {
        "model": Problem,
        "description": "invalid_request (the body's shape) or clinic_setting_invalid: the "
        "detail names the setting and what it must be (e.g. `billing_npi: ... the Luhn "
        "check digit`). Nothing is recorded.",
    }
}


@router.get("/{clinic}", operation_id="getClinic", responses=CLINIC_ERRORS)
def read_clinic(clinic: ClinicId, principal: ClinicPeople, services: ServicesDep) -> ClinicPublic:
    """The clinic's settings, staff directory, REMS certification and protocols."""
    own_clinic(principal, clinic)
    return clinic_public(services.clinics.clinic(clinic))


@router.put("/{clinic}", operation_id="setClinic", responses={**CLINIC_ERRORS, **REFUSED})
def set_clinic(
    clinic: ClinicId, body: ClinicSettingsPut, principal: Admin, services: ServicesDep
) -> ClinicPublic:
    """Replace the clinic's settings (the first PUT registers the clinic). Each change is
    recorded as an event of the clinic; a PUT that changes nothing records nothing."""
    own_clinic(principal, clinic)
    settings = body.model_dump(mode="json", exclude={"rems_certification"}, exclude_none=True)
    certification = (
        body.rems_certification.model_dump(mode="json") if body.rems_certification else None
    )
    updated = services.clinics.replace_settings(
        clinic, settings, certification, principal.token_name
    )
    return clinic_public(updated)


@router.get("/{clinic}/staff", operation_id="getStaff", responses=CLINIC_ERRORS)
def read_staff(clinic: ClinicId, principal: ClinicPeople, services: ServicesDep) -> StaffPublic:
    """The staff directory: every member, active or not."""
    own_clinic(principal, clinic)
    return StaffPublic(clinic_id=clinic, staff=_staff(services.clinics.clinic(clinic)))


@router.put(
    "/{clinic}/staff/{staff_id}",
    operation_id="setStaffMember",
    responses={**CLINIC_ERRORS, **REFUSED},
)
def set_staff_member(
    clinic: ClinicId,
    staff_id: str,
    body: StaffMemberPut,
    principal: Admin,
    services: ServicesDep,
) -> StaffMemberPublic:
    """Add a staff member or change one (``active: false`` deactivates: members are never
    removed, so the record keeps who they were)."""
    own_clinic(principal, clinic)
    values = {**body.model_dump(mode="json"), "staff_id": staff_id}
    updated = services.clinics.record_staff_member(clinic, values, principal.token_name)
    return StaffMemberPublic.model_validate(updated.staff[staff_id])


@router.get("/{clinic}/fees", operation_id="getFeeSchedule", responses=CLINIC_ERRORS)
def read_fees(
    clinic: ClinicId, principal: ClinicPeople, services: ServicesDep
) -> FeeSchedulePublic:
    """The fee schedule a superbill bills under."""
    own_clinic(principal, clinic)
    return _fees_public(services.clinics.clinic(clinic))


@router.put("/{clinic}/fees", operation_id="setFeeSchedule", responses={**CLINIC_ERRORS, **REFUSED})
def set_fees(
    clinic: ClinicId, body: FeeSchedulePut, principal: Admin, services: ServicesDep
) -> FeeSchedulePublic:
    """Replace the clinic's fee schedule (fees in whole cents); recorded as a change."""
    own_clinic(principal, clinic)
    schedule = check_fee_schedule(body.model_dump())
    return _fees_public(services.clinics.set_fee_schedule(clinic, schedule, principal.token_name))


def _fees_public(clinic: Clinic) -> FeeSchedulePublic:
    return FeeSchedulePublic(
        clinic_id=clinic.clinic_id,
        set=clinic.fee_schedule is not None,
        **effective_schedule(clinic.fee_schedule),
    )


@router.get("/{clinic}/changes", operation_id="getClinicChanges", responses=CLINIC_ERRORS)
def read_changes(
    clinic: ClinicId, principal: ClinicAuditors, services: ServicesDep
) -> ClinicChangesPublic:
    """Every change to the clinic, oldest first: what was set, when and by whom."""
    own_clinic(principal, clinic)
    services.clinics.clinic(clinic)  # 404 before its first change
    return ClinicChangesPublic(
        clinic_id=clinic,
        changes=[_change_public(event) for event in services.clinics.changes(clinic)],
    )


def clinic_public(clinic: Clinic) -> ClinicPublic:
    return ClinicPublic.model_validate(
        {
            "clinic_id": clinic.clinic_id,
            "version": clinic.version,
            "changed_at": clinic.modified_on,
            **clinic.settings,
            "rems_certification": clinic.rems_certification,
            "staff": _staff(clinic),
            "protocols": [
                {k: p[k] for k in ("name", "version", "base", "published_at")}
                for p in clinic.protocols
            ],
            "fee_schedule_set": clinic.fee_schedule is not None,
        }
    )


def _staff(clinic: Clinic) -> list[StaffMemberPublic]:
    return [StaffMemberPublic.model_validate(m) for _, m in sorted(clinic.staff.items())]


CHANGE_FIELDS = ("changes", "member", "certification", "published", "schedule", "clinic_id")


def _change_public(event: Any) -> ClinicChangePublic:
    state = vars(event)
    change = {name: state[name] for name in CHANGE_FIELDS if name in state}
    return ClinicChangePublic(
        version=event.originator_version,
        type=type(event).__name__,
        recorded_at=event.timestamp,
        recorded_by=event.recorded_by,
        change=change,
    )
