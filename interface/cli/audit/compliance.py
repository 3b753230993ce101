"""``kap-journeys audit compliance``: the compliance report (C-01 to C-13) as CSV or JSON.

Operator access: any clinic, named with ``--clinic``. It reads the same findings read
model as ``GET /v1/audit/compliance``, caught up first in this process, so the report
includes every event stored when it ran, even with no projector running.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn
from uuid import UUID

import psycopg
import typer
from eventsourcing import persistence
from sqlalchemy.exc import SQLAlchemyError

from domain.compliance import RULES
from domain.local_time import is_utc
from interface.audit.compliance_csv import findings_csv
from interface.auth.tokens import validate_identifier
from interface.cli.operator import log_operator_read
from interface.presentation.compliance_report import ComplianceReport, build_compliance_report
from interface.readmodels.caseload import ReadModelNotReadyError
from interface.readmodels.runtime import projector_for
from interface.services import Services
from interface.settings import Settings
from interface.storage.keys import MissingCipherKeyError
from interface.storage.readmodels.tables import FINDINGS

TIMES = ("at", "due_at", "at_local", "due_at_local")
CATCH_UP_ATTEMPTS = 20
"""Another projector (``serve``, ``project``) may take a batch first; then try again."""


class ReportFormat(StrEnum):
    csv = "csv"
    json = "json"


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        _fail(f"{option} must be an ISO 8601 time with an offset, like 2026-11-20T10:05:00Z")
    if parsed.tzinfo is None:
        _fail(f"{option} needs an offset (Z or +hh:mm): times without one are ambiguous")
    return parsed


def _wire_time(value: datetime | None) -> str | None:
    """As the HTTP API writes it: ``2026-10-01T09:00:00Z``, or with the clinic's offset."""
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def catch_up_findings(services: Services) -> int:
    """Bring the findings read model up to the end of the log now; its position.

    A new table shape being built beside the old one goes live once caught up, as the
    running projections would do (``Projections.promote_built``).
    """
    registry = services.registry
    registry.prepare(FINDINGS)
    projector = projector_for(services.journeys, services.engine, registry, FINDINGS)
    stop = projector.store_position()
    for _ in range(CATCH_UP_ATTEMPTS):
        projector.catch_up(stop)
        if projector.position() >= stop:
            break
    registry.promote_if_built(FINDINGS, caught_up_to=stop)
    return projector.position()


def report_json(report: ComplianceReport) -> str:
    body: dict[str, Any] = {
        "clinic_id": report.clinic_id,
        "as_of": _wire_time(report.as_of),
        "read_model_position": report.read_model_position,
        "store_position": report.store_position,
        "findings": [
            {
                **finding,
                "journey_id": str(finding["journey_id"]),
                **{key: _wire_time(finding[key]) for key in TIMES if finding.get(key)},
            }
            for finding in report.findings
        ],
        "counts": report.counts,
    }
    if not is_utc(report.zone):  # as the API answers: local times only outside UTC
        body["time_zone"] = report.time_zone
        body["as_of_local"] = _wire_time(report.as_of.astimezone(report.zone))
    return json.dumps(body, indent=2) + "\n"


def compliance(
    clinic: Annotated[
        str, typer.Option("--clinic", help="Clinic id: whose journeys to report on.")
    ],
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="csv (one line per finding) or json.")
    ],
    rule: Annotated[
        str | None, typer.Option("--rule", help="Only this rule: C-01 to C-13.")
    ] = None,
    journey: Annotated[
        str | None, typer.Option("--journey", help="Only this journey (its id).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Findings about this moment or later (ISO 8601, offset)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Findings about moments before this (ISO 8601, offset)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """The compliance report (C-01 to C-13) of a clinic's journeys, standing now: each
    finding names the journey, the event versions involved, when, and why."""
    try:
        clinic_id = validate_identifier(clinic, "clinic id")
    except ValueError as error:
        _fail(str(error))
    if rule is not None and rule not in RULES:
        _fail(f"unknown rule {rule!r}; use one of {', '.join(RULES)}")
    journey_id = None
    if journey is not None:
        try:
            journey_id = UUID(journey)
        except ValueError:
            _fail(f"{journey!r} is not a journey id (a UUID)")
    start, end = _time(since, "--since"), _time(until, "--until")
    if start is not None and end is not None and start > end:
        _fail("the period ends before it starts: --until must not be before --since")

    services = Services(Settings().model_copy(update={"run_projections": False}))
    try:
        catch_up_findings(services)
        report = build_compliance_report(
            services, clinic_id, rule=rule, journey_id=journey_id, since=start, until=end
        )
        log_operator_read(services, clinic_id, journey_id, "compliance")
    except (MissingCipherKeyError, ReadModelNotReadyError) as error:
        _fail(str(error), code=1)
    except (SQLAlchemyError, persistence.PersistenceError, psycopg.Error) as error:
        _fail(f"database error: {type(error).__name__}", code=1)
    finally:
        services.close()

    if output_format is ReportFormat.json:
        text = report_json(report)
    else:
        text = findings_csv(report.findings, report.zone)  # the dashboard's, byte for byte
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8", newline="")
        typer.echo(f"{len(report.findings)} findings written to {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``kap-journeys audit``."""
    app.command("compliance")(compliance)
