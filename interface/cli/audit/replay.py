"""``kap-journeys audit replay``: a journey's status as it stood then (operator access)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Annotated
from uuid import UUID

import typer

from application.errors import JourneyNotFoundError
from application.replay import (
    InvalidReplayPointError,
    NotYetOpenError,
    ReplayPoint,
    VersionNotRecordedError,
    replay,
)
from interface.cli.operator import log_operator_read
from interface.services import Services
from interface.settings import Settings

TIME_HELP = "ISO 8601 with an offset, like 2026-11-20T10:05:00-07:00."


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} {value!r} is not a time: {TIME_HELP}", 2) from None
    if moment.tzinfo is None:
        raise _fail(f"{option} {value!r} needs an offset (Z or +hh:mm)", 2)
    return moment


def replay_command(
    journey_id: Annotated[str, typer.Argument(help="The journey's id (a UUID).")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help=f"Recording time: what was known then. {TIME_HELP}"),
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="The journey just after this entry.")
    ] = None,
    occurred_as_of: Annotated[
        str | None,
        typer.Option(
            "--occurred-as-of", help=f"Clinical time: entries that occurred by then. {TIME_HELP}"
        ),
    ] = None,
) -> None:
    """Print a journey's status as it stood then, as JSON (any clinic)."""
    try:
        journey = UUID(journey_id)
    except ValueError:
        raise _fail(f"{journey_id!r} is not a journey id (a UUID)", 2) from None
    try:
        point = ReplayPoint(
            as_of=_time(as_of, "--as-of"),
            version=version,
            occurred_as_of=_time(occurred_as_of, "--occurred-as-of"),
        )
    except InvalidReplayPointError as error:
        raise _fail(f"{error} (--as-of, --version, --occurred-as-of)", 2) from None
    services = Services(Settings())
    try:
        replayed = replay(services.journeys, None, journey, point)
        log_operator_read(services, replayed.status.clinic_id, journey, "replay")
    except (JourneyNotFoundError, NotYetOpenError, VersionNotRecordedError) as error:
        raise _fail(str(error), 1) from None
    finally:
        services.close()
    answer = {
        **asdict(point),
        "evaluated_at": replayed.evaluated_at,
        "status": asdict(replayed.status),
    }
    typer.echo(json.dumps(answer, indent=2, default=str))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``kap-journeys audit``."""
    app.command("replay")(replay_command)
