"""``kap-journeys``: serve the API, issue tokens, seed a demo clinic, read a journey."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

import typer
from pydantic import ValidationError

from application.errors import JourneyNotFoundError
from interface.cli.audit import audit_app
from interface.cli.clinics import clinics_app, staff_app
from interface.cli.demo import demo_command
from interface.cli.fees import fees_app
from interface.cli.fhir import fhir_app
from interface.cli.import_command import import_command
from interface.cli.operator import log_operator_read
from interface.cli.protocols import protocols_app
from interface.cli.readmodels import project_command, rebuild_command
from interface.cli.superbill import superbill_command
from interface.cli.tokens import tokens_app
from interface.cli.webhooks import webhooks_app
from interface.services import Services
from interface.settings import ENV_PREFIX, Settings, setting_problems
from interface.storage.keys import MissingCipherKeyError, resolve_cipher_key

app = typer.Typer(
    name="kap-journeys",
    help="Event-sourced care journeys for Ketamine-Assisted Psychotherapy clinics.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
app.add_typer(protocols_app, name="protocols")
app.add_typer(clinics_app, name="clinics")
app.add_typer(staff_app, name="staff")
app.add_typer(fees_app, name="fees")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(fhir_app, name="fhir")
app.command("demo")(demo_command)
app.command("project")(project_command)
app.command("rebuild")(rebuild_command)
app.command("superbill")(superbill_command)
app.command("import")(import_command)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    projections: Annotated[
        bool, typer.Option(help="Keep the read models current in this process.")
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes (PostgreSQL only); one of them projects at a time.",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API (KAP_DATABASE_URL picks the database)."""
    import uvicorn

    from interface.http.app import create_app
    from interface.http.request_log import serve_logging_config
    from interface.metrics.listen import metrics_listener, shared_metrics_dir

    settings = Settings()
    if workers > 1 and not settings.is_postgres:
        typer.echo(
            f"error: --workers {workers} needs PostgreSQL: a SQLite database is written by "
            "one process (set KAP_DATABASE_URL=postgresql://..., or serve one worker)",
            err=True,
        )
        raise typer.Exit(2)
    resolve_cipher_key(settings)  # a missing or unreadable key stops here, not at a request
    if not projections:
        settings = settings.model_copy(update={"run_projections": False})
    host, port = host or settings.host, port or settings.port
    typer.echo(f"KAP Journeys on http://{host}:{port} (API docs at /docs)")
    # Uvicorn's access lines hold query strings (patient refs): the app logs requests itself.
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": False,
        "log_config": serve_logging_config(uvicorn.config.LOGGING_CONFIG),
    }
    if workers == 1:
        api = create_app(settings)
        with metrics_listener(settings.metrics_address, lambda: api.state.services):
            uvicorn.run(api, **options)
        return
    # Each worker builds its own app from the environment, as this process read it.
    os.environ[f"{ENV_PREFIX}RUN_PROJECTIONS"] = str(settings.run_projections).lower()
    with (
        shared_metrics_dir(),
        metrics_listener(settings.metrics_address, lambda: Services(settings)),
    ):
        uvicorn.run("interface.http.app:create_app", factory=True, workers=workers, **options)


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


def _journey_id(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        typer.echo(f"error: {value!r} is not a journey id (a UUID)", err=True)
        raise typer.Exit(2) from None


@app.command()
def status(journey_id: str) -> None:
    """Print a journey's status as JSON (operator access: any clinic)."""
    services = Services(Settings())
    try:
        current = services.journeys.status(None, _journey_id(journey_id))
        log_operator_read(services, current.clinic_id, current.journey_id, "status")
        _print_json(asdict(current))
    except JourneyNotFoundError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        services.close()


@app.command()
def history(journey_id: str) -> None:
    """Print a journey's events as JSON lines, oldest first (operator access)."""
    services = Services(Settings())
    try:
        journey = _journey_id(journey_id)
        entries = services.journeys.history(None, journey)
        log_operator_read(services, str(entries[0].data["clinic_id"]), journey, "history")
        for entry in entries:
            typer.echo(json.dumps(asdict(entry), default=str))
    except JourneyNotFoundError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        services.close()


def main() -> None:
    """The ``kap-journeys`` command: a bad setting is one line naming its variable, exit 2."""
    try:
        app()
    except ValidationError as error:
        if error.title != Settings.__name__:
            raise
        for line in setting_problems(error):
            typer.echo(line, err=True)
        sys.exit(2)
    except MissingCipherKeyError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(2)
