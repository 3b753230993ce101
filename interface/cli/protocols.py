"""``kap-journeys protocols``: publish a clinic's own protocol version from a YAML file,
and list the versions with their diffs (the operator's side of
``/v1/clinics/{clinic}/protocols``).

The file holds ``name``, ``base`` and ``changes``::

    name: denver-kap
    base: kap-standard
    changes:
      max_mg_per_kg_injected: 1.0
      min_observation_minutes: 90
      fasting_rule: advisory

A refusal is one line naming the parameter and the line it may not cross, exit 2.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from application.clinic_protocols import (
    PublishedProtocol,
    clinic_protocols,
    publish_clinic_protocol,
)
from application.clinics import ClinicConflictError
from domain.errors import ClinicSettingError
from interface.cli.clinic_options import ClinicOption, clinic_id_of, fail
from interface.cli.operator import operator
from interface.services import Services
from interface.settings import Settings

protocols_app = typer.Typer(
    name="protocols",
    help="Publish and list a clinic's own protocol versions.",
    no_args_is_help=True,
    add_completion=False,
)

FILE_KEYS = ("name", "base", "changes")


def _read(path: Path) -> dict[str, Any]:
    """The file's name, base and changes, or one line saying what is wrong with it."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        fail(f"{path}: {error.strerror or 'cannot be read'}")
    except UnicodeDecodeError:
        fail(f"{path}: is not UTF-8 text")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        fail(f"{path}: is not valid YAML{where}")
    if not isinstance(loaded, dict):
        fail(f"{path}: must be a mapping with name, base and changes")
    unknown = sorted(str(k) for k in loaded if k not in FILE_KEYS)
    if unknown:
        fail(f"{unknown[0]}: is not a key of a protocol file (use name, base, changes)")
    return {"changes": {}, **loaded}


def _lines(published: PublishedProtocol) -> list[str]:
    head = (
        f"{published.name} {published.version}, from {published.base} "
        f"{published.base_version}, published {published.published_at:%Y-%m-%d %H:%M} UTC "
        f"by {published.published_by}"
    )
    changes = [
        f"  {c.parameter}: {json.dumps(c.base_value)} -> {json.dumps(c.clinic_value)}"
        for c in published.diff
    ]
    return [head, *(changes or ["  (no changes from its base)"])]


@protocols_app.command("publish")
def publish(
    file: Annotated[Path, typer.Argument(help="YAML with name, base and changes.")],
    clinic: ClinicOption,
) -> None:
    """Publish the next version of a clinic protocol (checked against the safety envelope)."""
    clinic_id = clinic_id_of(clinic)
    body = _read(file)
    services = Services(Settings())
    try:
        published = publish_clinic_protocol(
            services.clinics,
            clinic_id,
            body.get("name"),
            body.get("base"),
            body["changes"],
            operator(),
        )
    except ClinicSettingError as error:
        fail(str(error))
    except ClinicConflictError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        services.close()
    typer.echo("Published " + "\n".join(_lines(published)))


@protocols_app.command("list")
def list_versions(
    clinic: ClinicOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print the versions as JSON.")] = False,
) -> None:
    """Every version of the clinic's protocols, oldest first, with its diff from its base."""
    clinic_id = clinic_id_of(clinic)
    services = Services(Settings())
    try:
        versions = clinic_protocols(services.clinics, clinic_id)
    finally:
        services.close()
    if as_json:
        typer.echo(json.dumps([asdict(v) for v in versions], indent=2, default=str))
        return
    if not versions:
        typer.echo(f"Clinic {clinic_id!r} has published no protocol of its own.")
    for version in versions:
        typer.echo("\n".join(_lines(version)))
