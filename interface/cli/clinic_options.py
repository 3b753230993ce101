"""What every clinic command shares: the ``--clinic`` option and one-line refusals."""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer

from interface.auth.tokens import validate_identifier

ClinicOption = Annotated[
    str, typer.Option("--clinic", help="The clinic's id, as its tokens carry it.")
]


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr, exit 2 (a usage error; 1 for a journey not found): what is
    wrong and, where it helps, what would do."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def clinic_id_of(value: str) -> str:
    try:
        return validate_identifier(value, "clinic id")
    except ValueError as error:
        fail(str(error))
