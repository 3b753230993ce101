"""``kap-journeys project`` and ``kap-journeys rebuild``: keeping and rebuilding read models."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated

import typer

from interface.readmodels.runtime import Projections, projector_for
from interface.readmodels.tables import SHAPES
from interface.services import Services
from interface.settings import Settings

REBUILD_BATCH = 2000


def project_command() -> None:
    """Run the projections as their own process (beside `serve --no-projections` workers)."""
    services = Services(Settings(run_projections=False))
    projections = Projections(services.journeys, services.engine, services.registry)

    def stop(signum: int, _: FrameType | None) -> None:
        typer.echo(f"signal {signum}: stopping after the current batch")
        projections.loop.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    typer.echo(f"projecting {', '.join(SHAPES)} (Ctrl-C to stop)")
    try:
        projections.run()
    finally:
        services.close()


def rebuild_command(
    read_model: Annotated[
        str | None, typer.Option(help=f"One of: {', '.join(SHAPES)} (default: all).")
    ] = None,
) -> None:
    """Build a fresh copy of a read model from the events, then swap it in.

    Reads keep using the current copy until the new one has caught up.
    """
    if read_model is not None and read_model not in SHAPES:
        typer.echo(f"error: unknown read model {read_model!r}; use {', '.join(SHAPES)}", err=True)
        raise typer.Exit(2)
    services = Services(Settings(run_projections=False))
    try:
        for shape in [SHAPES[read_model]] if read_model else list(SHAPES.values()):
            fresh = services.registry.start(shape)
            projector = projector_for(
                services.journeys,
                services.engine,
                services.registry,
                shape,
                generation=fresh.generation,
                batch_size=REBUILD_BATCH,
            )
            with typer.progressbar(length=1, label=f"rebuilding {shape.name}") as bar:

                def advance(done: int, total: int) -> None:
                    bar.length = total
                    bar.update(done - bar.pos)

                journeys = projector.rebuild(progress=advance)
            projector.catch_up()  # what arrived meanwhile
            typer.echo(f"{shape.name}: {journeys} journeys")
            services.registry.activate(shape, fresh.generation)
            typer.echo(
                f"{shape.name}: generation {fresh.generation} is live at "
                f"position {projector.position()}"
            )
    finally:
        services.close()
