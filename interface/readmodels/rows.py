"""Each read model's rows for a batch of journeys, as table dictionaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from application.projections.caseload_rows import caseload_row
from domain.compliance import compliance_findings
from domain.journey import Journey


def caseload_rows(journeys: Sequence[Journey]) -> list[dict[str, Any]]:
    return [asdict(caseload_row(journey)) for journey in journeys]


def findings_rows(journeys: Sequence[Journey]) -> list[dict[str, Any]]:
    """Every compliance finding of each journey: the moment it is about, and time-based
    ones with their due time."""
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
