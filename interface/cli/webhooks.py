"""``kap-journeys webhooks add|list|remove``: the operator's side of
``/v1/clinics/{clinic}/webhooks`` (the secret is printed once, by ``add``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from uuid import UUID

import typer

from application.webhooks import Webhooks
from domain.errors import ClinicSettingError
from domain.webhooks import DOSE_REFUSED, EVERY_TYPE, WebhookEndpoint
from interface.cli.clinic_options import ClinicOption, clinic_id_of, fail
from interface.cli.operator import operator
from interface.services import Services
from interface.settings import Settings

webhooks_app = typer.Typer(
    name="webhooks",
    help="Register, list and remove a clinic's webhook endpoints.",
    no_args_is_help=True,
    add_completion=False,
)


@contextmanager
def webhooks_of_settings() -> Iterator[Webhooks]:
    services = Services(Settings())
    try:
        yield services.webhooks
    except ClinicSettingError as error:
        fail(str(error))
    finally:
        services.close()


def endpoint_document(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {
        "id": str(endpoint.id),
        "clinic_id": endpoint.clinic_id,
        "url": endpoint.url,
        "event_types": list(endpoint.event_types),
        "description": endpoint.description,
        "created_at": endpoint.created_at.isoformat(),
        "created_by": endpoint.created_by,
    }


@webhooks_app.command("add")
def add(
    clinic: ClinicOption,
    url: Annotated[str, typer.Option(help="https://... (plain http only to localhost).")],
    event_type: Annotated[
        list[str],
        typer.Option(
            "--event-type",
            help=f"An event type name, {DOSE_REFUSED}, or {EVERY_TYPE} for all (repeatable).",
        ),
    ],
    description: Annotated[str | None, typer.Option(help="What the endpoint is for.")] = None,
) -> None:
    """Register an endpoint; its signing secret is printed this once."""
    clinic_id = clinic_id_of(clinic)
    with webhooks_of_settings() as webhooks:
        made = webhooks.register(clinic_id, url, event_type, description, operator())
    typer.echo(json.dumps({**endpoint_document(made.endpoint), "secret": made.secret}, indent=2))
    typer.echo("Keep the secret now: it is not shown again.", err=True)


@webhooks_app.command("list")
def list_endpoints(
    clinic: ClinicOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print them as JSON.")] = False,
) -> None:
    """The clinic's endpoints (never their secrets)."""
    clinic_id = clinic_id_of(clinic)
    with webhooks_of_settings() as webhooks:
        found = webhooks.endpoints(clinic_id)
    if as_json:
        typer.echo(json.dumps([endpoint_document(e) for e in found], indent=2))
        return
    if not found:
        typer.echo(f"{clinic_id}: no webhooks")
    for endpoint in found:
        typer.echo(f"{endpoint.id}  {endpoint.url}  {','.join(endpoint.event_types)}")


@webhooks_app.command("remove")
def remove(
    clinic: ClinicOption,
    webhook_id: Annotated[str, typer.Argument(help="The endpoint's id (from list).")],
) -> None:
    """Disable an endpoint: nothing more is sent to it, and its secret is erased."""
    clinic_id = clinic_id_of(clinic)
    try:
        endpoint_id = UUID(webhook_id)
    except ValueError:
        fail(f"webhook id: {webhook_id!r} is not a UUID")
    with webhooks_of_settings() as webhooks:
        removed = webhooks.remove(clinic_id, endpoint_id, operator())
    if not removed:
        fail(f"no webhook {endpoint_id} for clinic {clinic_id}", code=1)
    typer.echo(f"removed {endpoint_id}")
