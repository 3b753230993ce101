"""The compliance report (C-01 to C-13) as of now: one function the API, the pages and
the CLI all build it with, so the three show the same findings, counts and lag.

Findings are stored with their sentences in UTC; the report reads them in the clinic's
time zone as it stands now (each moment a detail names, and ``at_local`` and
``due_at_local`` beside the UTC instants)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from uuid import UUID

from domain.local_time import localized
from interface.presentation.local_times import clinic_context, with_local
from interface.readmodels.findings import FindingsQuery, rule_counts
from interface.services import Services

FINDING_TIMES = ("at", "due_at")


@dataclass(frozen=True)
class ComplianceReport:
    clinic_id: str
    as_of: datetime
    """The service clock's now: the findings standing then."""
    findings: list[dict[str, Any]]
    counts: dict[str, int]
    """Findings per rule, every rule C-01 to C-13 named (zero if none)."""
    read_model_position: int
    store_position: int
    time_zone: str = "UTC"
    """The clinic's IANA time zone: each finding's ``at_local`` and ``due_at_local``, and
    the moments its ``detail`` names, are in it."""
    zone: tzinfo = UTC

    @property
    def lag(self) -> int:
        """How many log positions the findings are behind the store (never below 0)."""
        return max(self.store_position - self.read_model_position, 0)


def build_compliance_report(
    services: Services,
    clinic_id: str,
    *,
    rule: str | None = None,
    journey_id: UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> ComplianceReport:
    """The clinic's findings standing now, optionally of one rule, one journey, and a
    period on each finding's moment (``since <= at < until``). Logging the read is the
    caller's: the API, the pages and the CLI each log it as their own kind of read."""
    now = services.clock()
    report = services.findings.report(
        FindingsQuery(clinic_id, now, rule=rule, journey_id=journey_id, since=since, until=until)
    )
    clinic = clinic_context(services, clinic_id)
    return ComplianceReport(
        clinic_id=clinic_id,
        as_of=now,
        findings=[local_finding(f, clinic.zone) for f in report.findings],
        counts=rule_counts(report.findings),
        read_model_position=report.read_model_position,
        store_position=services.journeys.log_position(),
        time_zone=clinic.time_zone,
        zone=clinic.zone,
    )


def local_finding(finding: Mapping[str, Any], zone: tzinfo) -> dict[str, Any]:
    """A stored finding as the clinic reads it: its detail's moments in ``zone``, and
    ``at_local`` and ``due_at_local`` beside the UTC instants."""
    found = with_local(finding, FINDING_TIMES, zone)
    if finding["detail"]:
        found["detail"] = localized(str(finding["detail"]), zone)
    return found
