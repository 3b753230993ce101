"""``kap-journeys audit checkpoint``: sign the log's Merkle root now; and list, verify and
prove inclusion against the signed checkpoints."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

import typer

from application.audit.checkpoints import CheckpointService, InconsistentLogError
from application.audit.clinic_checkpoints import public_listing
from interface.audit.signing import BadSigningKeyError, MissingSigningKeyError
from interface.services import Services
from interface.settings import Settings

T = TypeVar("T")


def _with_service(work: Callable[[CheckpointService], T]) -> T:
    services = Services(Settings(run_projections=False))
    try:
        return work(services.checkpoints)
    except (MissingSigningKeyError, BadSigningKeyError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except InconsistentLogError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        services.close()


def _print(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


def checkpoint() -> None:
    """Sign the Merkle root over every event now; exits 1 if the log was altered.

    The new checkpoint is stored only once its consistency proof from the last one
    verified against that checkpoint's signed root.
    """
    made = _with_service(lambda service: service.create())
    if made is None:
        typer.echo("No new events since the last checkpoint: nothing to sign.")
        return
    _print(made.as_dict())


def checkpoints(
    verify: Annotated[
        bool,
        typer.Option(
            help="Also check every signature, the chain of consistency proofs, and each "
            "signed root recomputed from the log; exits 1 on any problem."
        ),
    ] = True,
) -> None:
    """Print the public key and every signed checkpoint, oldest first (JSON)."""

    def work(service: CheckpointService) -> bool:
        listing = public_listing(service)
        if not verify:
            _print(listing)
            return True
        report = service.verify_all()
        _print({**listing, "verification": asdict(report)})
        return report.ok

    if not _with_service(work):
        raise typer.Exit(1)


def inclusion(
    leaf_index: Annotated[int, typer.Argument(help="The event's place in the log, from 0.")],
    tree_size: Annotated[
        int | None, typer.Option(help="A checkpoint's tree size (default: the latest).")
    ] = None,
) -> None:
    """Print the RFC 6962 inclusion proof of one event in a signed checkpoint's tree."""

    def work(service: CheckpointService) -> dict[str, Any]:
        try:
            found = service.inclusion(leaf_index, tree_size)
        except LookupError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
        body = asdict(found)
        body["checkpoint"] = found.checkpoint.public()
        return body

    _print(_with_service(work))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``kap-journeys audit``."""
    app.command("checkpoint")(checkpoint)
    app.command("checkpoints")(checkpoints)
    app.command("inclusion")(inclusion)
