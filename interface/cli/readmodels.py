"""``kap-journeys project`` and ``kap-journeys rebuild``: keeping and rebuilding read models."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from interface.readmodels.runtime import BackgroundProjections, Projections, projector_for
from interface.services import Services
from interface.settings import Settings
from interface.storage.leader import PROJECTIONS
from interface.storage.readmodels.dead_letters import live_dead_letters
from interface.storage.readmodels.tables import SHAPES, ReadModelShape

REBUILD_BATCH = 2000


def project_command(
    failures: Annotated[
        bool,
        typer.Option(
            "--failures", help="List the journeys the live read models skipped, then exit."
        ),
    ] = False,
) -> None:
    """Run the projections as their own process (beside `serve --no-projections` workers)."""
    services = Services(Settings(run_projections=False))
    if failures:
        try:
            list_failures(services)
        finally:
            services.close()
        return
    # Started even while the database is away: it keeps trying, then follows the log.
    # The projector's lock: one process at a time, whether this or a `serve` worker.
    projections = BackgroundProjections(
        lambda: Projections(services.journeys, services.engine, services.registry),
        services.leadership(PROJECTIONS),
    )

    def stop(signum: int, _: FrameType | None) -> None:
        typer.echo(f"signal {signum}: stopping after the current batch")
        projections.request_stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    typer.echo(
        f"projecting {', '.join(SHAPES)} (Ctrl-C to stop), "
        "or standing by while another process does"
    )
    try:
        projections.start()
        projections.wait()
    finally:
        projections.stop()
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
            rebuild_one(services, shape)
    finally:
        services.close()


def rebuild_one(services: Services, shape: ReadModelShape) -> None:
    """Build a new generation and swap it in; if that fails, remove it whole and say so
    in one line (the error's class and the table, never SQL or its values)."""
    generation: int | None = None
    try:
        fresh = services.registry.start(shape)
        generation = fresh.generation
        projector = projector_for(
            services.journeys,
            services.engine,
            services.registry,
            shape,
            generation=generation,
            batch_size=REBUILD_BATCH,
        )
        with typer.progressbar(length=1, label=f"rebuilding {shape.name}") as bar:

            def advance(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            journeys = projector.rebuild(progress=advance)
        projector.catch_up()  # what arrived meanwhile
        typer.echo(f"{shape.name}: {journeys} journeys")
        services.registry.activate(shape, generation)
    except (Exception, KeyboardInterrupt) as error:  # one line, whatever went wrong
        removed = _remove_unfinished(services, shape, generation)
        typer.echo(
            f"error: rebuilding {shape.name} failed ({type(error).__name__}){removed}; "
            "the live copy is unchanged",
            err=True,
        )
        raise typer.Exit(1) from None
    typer.echo(f"{shape.name}: generation {generation} is live at position {projector.position()}")
    skipped = [d for d in live_dead_letters(services.engine) if d.name == shape.name]
    if skipped:
        typer.echo(
            f"{shape.name}: {len(skipped)} journeys could not be projected; "
            "see `kap-journeys project --failures`"
        )


def _remove_unfinished(services: Services, shape: ReadModelShape, generation: int | None) -> str:
    """Drop the half-built generation (table, registry row, dead letters); what was done."""
    if generation is None:
        return ""
    table = shape.table_name(generation)
    try:
        services.registry.discard(shape, generation)
    except Exception as error:  # the database is gone too: say what is left behind
        return f"; could not remove its table {table} ({type(error).__name__})"
    return f"; its unfinished table {table} was removed"


def list_failures(services: Services) -> None:
    """One line per journey the live read models skipped (no patient data)."""
    try:
        found = live_dead_letters(services.registry.engine)
    except SQLAlchemyError as error:
        typer.echo(f"error: cannot read the projection failures ({type(error).__name__})", err=True)
        raise typer.Exit(1) from None
    for dead_letter in found:
        typer.echo(dead_letter.line())
    typer.echo(f"{len(found)} journeys not projected" if found else "no projection failures")
