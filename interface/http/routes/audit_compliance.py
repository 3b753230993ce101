"""The compliance report: rules C-01 to C-13 over the clinic's journeys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from domain.local_time import is_utc
from interface.http.deps import Auditor, PurposeOfUse, ServicesDep
from interface.http.read_your_writes import wait_for_position
from interface.http.routes.journeys import ERRORS
from interface.http.schemas.answers import local_of, time_zone_field
from interface.http.schemas.common import MAX_POSITION, WireTime
from interface.presentation.compliance_report import build_compliance_report
from interface.presentation.journey_reads import log_journey_read
from interface.presentation.local_times import in_zone

router = APIRouter(prefix="/v1/audit", tags=["audit"])

RuleId = Literal[
    "C-01",
    "C-02",
    "C-03",
    "C-04",
    "C-05",
    "C-06",
    "C-07",
    "C-08",
    "C-09",
    "C-10",
    "C-11",
    "C-12",
    "C-13",
]
"""The auditor's checks of DOMAIN.md (the same list as ``domain.compliance.RULES``)."""


class ComplianceFindingPublic(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    journey_id: UUID
    """The journey the finding is about."""
    patient_ref: str
    """The clinic's record number for the patient."""
    rule: RuleId
    """The compliance rule (C-01 to C-13) it breaks."""
    occurrence: str = Field(
        description='Stable key within the journey: "session-3/escort", "version-17"...'
    )
    versions: list[int] = Field(description="The journey's event versions involved.")
    detail: str = Field(
        description="Why: what happened, against what the protocol requires (moments in "
        "the clinic's time zone)."
    )
    at: datetime = Field(
        description="The moment the finding is about: when its key entry occurred (the "
        "dose, the discharge, the late entry, the correction...), or for a duty that falls "
        "due with time, its deadline."
    )
    due_at: datetime | None = Field(
        description="For a duty that falls due with time: its deadline (it stands from then)."
    )
    at_local: datetime | None = local_of("at")
    due_at_local: datetime | None = local_of("due_at")


class ComplianceReportPublic(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    clinic_id: str
    """The clinic."""
    as_of: datetime = Field(description="The server's now: the findings standing then.")
    time_zone: str | None = time_zone_field()
    as_of_local: datetime | None = local_of("as_of")
    read_model_position: int = Field(description="The log position the report includes.")
    store_position: int = Field(description="The log's last position: more means it lags.")
    findings: list[ComplianceFindingPublic]
    """Each finding standing now, filtered as asked."""
    counts: dict[str, int] = Field(description="Findings per rule, C-01 to C-13 (zero if none).")


def _period_checked(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and since > until:
        raise RequestValidationError(
            [
                {
                    "loc": ["query", "until"],
                    "msg": "the period ends before it starts: until must not be before since",
                    "type": "value_error",
                }
            ]
        )


@router.get(
    "/compliance", operation_id="getComplianceReport", responses=ERRORS, dependencies=[PurposeOfUse]
)
def compliance_report(
    principal: Auditor,
    services: ServicesDep,
    request: Request,
    rule: Annotated[RuleId | None, Query(description="Only this rule.")] = None,
    journey: Annotated[UUID | None, Query(description="Only this journey.")] = None,
    since: Annotated[
        WireTime | None, Query(description="Findings about this moment or later (at >= since).")
    ] = None,
    until: Annotated[
        WireTime | None, Query(description="Findings about moments before this (at < until).")
    ] = None,
    after_position: Annotated[
        int | None,
        Query(
            ge=0, le=MAX_POSITION, description="Wait (at most 2 s) until the report includes it."
        ),
    ] = None,
) -> ComplianceReportPublic:
    """The clinic's compliance findings standing now: each names the journey, the event
    versions involved and why. A duty that falls due with time shows once it is due."""
    _period_checked(since, until)
    wait_for_position(services.findings.position, after_position)
    report = build_compliance_report(
        services, principal.clinic_id, rule=rule, journey_id=journey, since=since, until=until
    )
    log_journey_read(request, principal, None, "compliance")
    return ComplianceReportPublic(
        clinic_id=report.clinic_id,
        as_of=report.as_of,
        time_zone=None if is_utc(report.zone) else report.time_zone,
        as_of_local=in_zone(report.as_of, report.zone),
        read_model_position=report.read_model_position,
        store_position=report.store_position,
        findings=[ComplianceFindingPublic(**f) for f in report.findings],
        counts=report.counts,
    )
