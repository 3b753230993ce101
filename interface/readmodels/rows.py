"""Each read model's rows for a batch of journeys, as table dictionaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC
from typing import Any

from application.projections.caseload_rows import caseload_row
from domain.compliance import compliance_findings
from domain.journey import Journey
from domain.local_time import clinic_time


def caseload_rows(journeys: Sequence[Journey]) -> list[dict[str, Any]]:
    return [asdict(caseload_row(journey)) for journey in journeys]


def findings_rows(journeys: Sequence[Journey]) -> list[dict[str, Any]]:
    """Every compliance finding of each journey: the moment it is about, and time-based
    ones with their due time. Details name moments in UTC, the stored form; the report
    reads them in the clinic's zone (``interface.presentation.compliance_report``)."""
    with clinic_time(UTC):
        return _findings_rows(journeys)


def _findings_rows(journeys: Sequence[Journey]) -> list[dict[str, Any]]:
    return [
        {
            "journey_id": journey.id,
            "rule": finding.rule,
            "occurrence": finding.occurrence,
            "clinic_id": journey.facts.clinic_id,
            "patient_ref": journey.facts.patient_ref,
            "versions": ",".join(str(v) for v in finding.versions),
            "detail": finding.detail,
            "at": finding.at,
            "due_at": finding.due_at,
        }
        for journey in journeys
        for finding in compliance_findings(journey.facts)
    ]


ROWS_OF = {"caseload": caseload_rows, "findings": findings_rows}
"""Each read model's rows for a batch of journeys, by read model name."""
