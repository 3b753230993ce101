"""``kap-journeys superbill JOURNEY``: a journey's superbill, as JSON on stdout or as a
PDF file written for its owner only (operator access: any clinic's journey)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from application.errors import JourneyNotFoundError
from application.superbill import journey_superbill
from domain.billing import BillingNotReadyError, BillingPeriodError
from interface.cli.audit.export import _write_owner_only as write_owner_only
from interface.cli.clinic_options import fail
from interface.cli.operator import log_operator_read
from interface.presentation.superbill_pdf import superbill_pdf
from interface.presentation.superbill_view import superbill_document
from interface.services import Services
from interface.settings import Settings


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} is a date, YYYY-MM-DD")


def superbill_command(
    journey: Annotated[str, typer.Argument(help="The journey's id.")],
    since: Annotated[
        str | None, typer.Option("--from", help="First local date of service (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--to", help="Last local date of service (YYYY-MM-DD).")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write the PDF here (mode 0600).")
    ] = None,
) -> None:
    """Print a journey's superbill as JSON, or write it as a PDF with --pdf."""
    try:
        journey_id = UUID(journey)
    except ValueError:
        fail(f"{journey!r} is not a journey id (a UUID)")
    period_from, period_to = _date(since, "--from"), _date(until, "--to")
    services = Services(Settings(run_projections=False))
    try:
        bill = journey_superbill(
            services.journeys, services.clinics, None, journey_id, period_from, period_to
        )
        log_operator_read(services, None, journey_id, "superbill")
    except (JourneyNotFoundError, BillingNotReadyError) as error:
        fail(str(error), 1)
    except BillingPeriodError as error:
        fail(f"--from {error}")
    finally:
        services.close()
    document = superbill_document(journey_id, bill)
    if pdf is None:
        typer.echo(json.dumps(document, indent=2))
        return
    try:
        write_owner_only(pdf, superbill_pdf(document))
    except OSError as error:
        fail(f"cannot write {pdf}: {error.strerror or error}")
    typer.echo(f"{pdf}: {len(bill.lines)} lines, total {document['total_cents']} cents")
