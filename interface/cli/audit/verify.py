"""``kap-journeys audit verify``: check hash chains, one journey or the whole store."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

import typer

from application.audit.chain_scan import ChainScan, scan_store
from application.audit.checkpoints import CheckpointService
from application.audit.store_check import StoreVerification, verify_store
from application.audit.verify import Anchor, ChainVerifier, WrongCipherKeyError
from interface.audit.anchors import all_anchors, anchor_for
from interface.audit.signing import BadSigningKeyError, MissingSigningKeyError
from interface.cli.operator import log_operator_read
from interface.services import Services
from interface.settings import Settings


def verify(
    journey: Annotated[str | None, typer.Option(help="One journey's id (default: all).")] = None,
    deep: Annotated[
        bool, typer.Option(help="Also decrypt every entry and recompute its digest.")
    ] = False,
) -> None:
    """Verify every entry's stored bytes against its seal, the hash chains, and the
    Merkle tree against the signed checkpoints, nothing decrypted (fast); --deep also
    decrypts each entry and recomputes its digest. Exits 1 when anything was altered,
    removed or reordered."""
    services = Services(Settings(run_projections=False))
    try:
        ok = _verify(services, journey, deep)
    except WrongCipherKeyError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    finally:
        services.close()
    if not ok:
        raise typer.Exit(1)


def _verify(services: Services, journey: str | None, deep: bool) -> bool:
    if journey is not None:
        try:
            journey_id = UUID(journey)
        except ValueError:
            typer.echo(f"error: {journey!r} is not a journey id (a UUID)", err=True)
            raise typer.Exit(2) from None
        result = ChainVerifier(services.journeys).verify(
            journey_id, anchor_for(services, None, journey_id)
        )
        log_operator_read(services, None, journey_id, "verify")
        typer.echo(json.dumps(asdict(result), default=str, indent=2))
        return result.ok
    anchors = all_anchors(services)
    if deep:
        report: StoreVerification | ChainScan = verify_store(services.journeys, anchors)
        checkpoints = _checkpoint_report(services)
    else:
        report, checkpoints = _scan(services, anchors)
    log_operator_read(services, None, None, "verify")
    typer.echo(
        json.dumps({"chains": asdict(report), "checkpoints": checkpoints}, default=str, indent=2)
    )
    return report.ok and bool(checkpoints["ok"])


def _scan(services: Services, anchors: Mapping[UUID, Anchor]) -> tuple[ChainScan, dict[str, Any]]:
    """The chains and the signed roots from one read of the log."""
    note = ""
    try:
        service: CheckpointService | None = services.checkpoints
    except (MissingSigningKeyError, BadSigningKeyError) as error:
        service, note = None, f"no checkpoints to check: {error}"
    chains, roots = scan_store(services.journeys, anchors, service)
    if roots is None:
        return chains, {"ok": True, "checkpoints": 0, "note": note}
    return chains, asdict(roots)


def _checkpoint_report(services: Services) -> dict[str, Any]:
    """The signed checkpoints checked, and their roots recomputed from the log as it is."""
    try:
        report = services.checkpoints.verify_all(against_log=True)
    except (MissingSigningKeyError, BadSigningKeyError) as error:
        return {"ok": True, "checkpoints": 0, "note": f"no checkpoints to check: {error}"}
    return asdict(report)


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
