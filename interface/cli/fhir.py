"""``kap-journeys fhir export --clinic C --out DIR``: a clinic's journeys as FHIR Bulk Data
files (one NDJSON file per resource type, and manifest.json), with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from interface.cli.clinic_options import ClinicOption, clinic_id_of
from interface.cli.operator import log_operator_read
from interface.fhir.bulk import clinic_journey_ids, export_clinic, write_files
from interface.services import Services
from interface.settings import Settings

fhir_app = typer.Typer(help="FHIR R4 export (docs/fhir.md).", no_args_is_help=True)


@fhir_app.command("export")
def export_command(
    clinic: ClinicOption,
    out: Annotated[
        Path, typer.Option("--out", help="The directory to write the NDJSON files into.")
    ],
) -> None:
    """Write the clinic's journeys as FHIR Bulk Data NDJSON, one file per resource type."""
    clinic_id = clinic_id_of(clinic)
    services = Services(Settings(run_projections=False))
    journeys = services.journeys
    try:
        ids = clinic_journey_ids(journeys, clinic_id, journeys.log_position())
        columns = (
            TextColumn("exporting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=None, transient=False) as progress:
            task = progress.add_task("export", total=len(ids))

            def exported(journey_id: UUID) -> None:
                log_operator_read(services, clinic_id, journey_id, "export")
                progress.advance(task)

            export = export_clinic(journeys, clinic_id, journeys.clock(), exported, ids)
        written = write_files(export, out, f"kap-journeys fhir export --clinic {clinic_id}")
    finally:
        services.close()
    counts = ", ".join(
        f"{p.stem} {len(export.resources[p.stem])}" for p in written if p.stem in export.resources
    )
    typer.echo(f"{len(export.journeys)} journeys exported to {out}: {counts}")
    if export.damaged:
        typer.echo(f"{len(export.damaged)} damaged journeys left out (see manifest.json)", err=True)
        raise typer.Exit(1)
