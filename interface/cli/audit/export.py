"""``kap-journeys audit export`` and ``audit verify-bundle``: evidence an auditor takes away."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from application.audit.evidence import clinic_journeys
from interface.audit.bundle import NothingToExportError, build_bundle, period_scope
from interface.audit.bundle_verifier import BundleUnreadableError, verify_bundle
from interface.cli.operator import log_operator_read
from interface.services import Services
from interface.settings import Settings


def _time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        typer.echo(f"error: {option} must be an ISO 8601 time with an offset", err=True)
        raise typer.Exit(2)
    return moment


def export(
    clinic: Annotated[str, typer.Option(help="The clinic whose journeys to export.")],
    out: Annotated[Path, typer.Option(help="Where to write the .zip bundle.")],
    since: Annotated[str | None, typer.Option("--from", help="Recorded from (ISO time).")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Recorded before (ISO time).")] = None,
) -> None:
    """Write an evidence bundle of the clinic's journeys (those with entries recorded in
    the period, each whole), proven against a checkpoint signed now. It holds only the
    checkpoints that clinic's auditor may see, and that one: nothing of other clinics."""
    begin, end = _time(since, "--from"), _time(until, "--to")
    services = Services(Settings(run_projections=False))
    try:
        journeys = clinic_journeys(services.journeys, clinic, begin, end)
        bundle = build_bundle(services, journeys, period_scope(clinic, begin, end))
        for journey_id in journeys:
            log_operator_read(services, clinic, journey_id, "export")
    except NothingToExportError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        services.close()
    try:
        _write_owner_only(out, bundle)
    except OSError as error:
        typer.echo(f"error: cannot write {out}: {error.strerror or error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{out}: {len(journeys)} journeys, {len(bundle)} bytes")


def _write_owner_only(out: Path, data: bytes) -> None:
    """Write the bundle readable by its owner only (0600, whatever the umask): it holds
    decrypted patient data. Written beside ``out`` and renamed over it, so an existing
    file's wider mode is not kept and no half-written bundle is ever left at ``out``."""
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            os.fchmod(file.fileno(), 0o600)
            file.write(data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def verify_bundle_command(
    bundle: Annotated[Path, typer.Argument(help="The .zip bundle to check.")],
) -> None:
    """Check a bundle offline: digests, chains, inclusion, signatures, consistency.
    Exits 1 when anything does not hold, 2 (one line) when the file is not a bundle at
    all or a file in it does not have a bundle's structure."""
    try:
        report = verify_bundle(bundle)
    except BundleUnreadableError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(asdict(report), indent=2))
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("verify-bundle")(verify_bundle_command)
