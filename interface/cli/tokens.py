"""``kap-journeys tokens``: issue and revoke API tokens (operators).

``create`` prints one human line, then the token alone on the last line, so
``kap-journeys tokens create ... | tail -1`` yields just the token.
"""

from __future__ import annotations

from typing import Annotated, NoReturn

import sqlalchemy
import typer
from sqlalchemy.exc import SQLAlchemyError

from interface.auth.roles import Role
from interface.auth.tokens import validate_identifier
from interface.settings import Settings
from interface.storage.engine import create_sql_engine
from interface.storage.tokens import TokenStore

tokens_app = typer.Typer(
    name="tokens",
    help="Issue and revoke API bearer tokens.",
    no_args_is_help=True,
    add_completion=False,
)

ROLE_CHOICES = ", ".join(role.value for role in Role)

RoleOption = Annotated[str, typer.Option("--role", help=f"One of: {ROLE_CHOICES}.")]
ClinicOption = Annotated[
    str, typer.Option("--clinic", help="Clinic id: 1-64 characters of A-Z a-z 0-9 . _ -")
]
NameOption = Annotated[
    str, typer.Option("--name", help="Token name: 1-64 characters of A-Z a-z 0-9 . _ -")
]


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        _fail(f"unknown role {value!r}; choose one of: {ROLE_CHOICES}")


def _validated(value: str, what: str) -> str:
    try:
        return validate_identifier(value, what)
    except ValueError as error:
        _fail(str(error))


def _open_store() -> tuple[TokenStore, sqlalchemy.Engine]:
    engine = create_sql_engine(Settings().database_url)
    store = TokenStore(engine)
    store.create_tables()
    return store, engine


@tokens_app.command("create")
def create(role: RoleOption, clinic: ClinicOption, name: NameOption) -> None:
    """Issue a token; it is printed once, on the last line, and never stored in plaintext."""
    parsed_role = _parse_role(role)
    clinic_id = _validated(clinic, "clinic id")
    token_name = _validated(name, "token name")
    try:
        store, engine = _open_store()
        try:
            token = store.issue(parsed_role, clinic_id, token_name)
        finally:
            engine.dispose()
    except ValueError as error:
        _fail(str(error))
    except SQLAlchemyError as error:
        _fail(f"database error: {_first_line(error)}", code=1)
    typer.echo(
        f"Issued {parsed_role.value} token {token_name!r} for clinic {clinic_id!r}. "
        "Keep it now: it cannot be shown again."
    )
    typer.echo(token)


@tokens_app.command("revoke")
def revoke(clinic: ClinicOption, name: NameOption) -> None:
    """Revoke every live token of a clinic with this name."""
    clinic_id = _validated(clinic, "clinic id")
    token_name = _validated(name, "token name")
    try:
        store, engine = _open_store()
        try:
            count = store.revoke(token_name, clinic_id)
        finally:
            engine.dispose()
    except ValueError as error:
        _fail(str(error))
    except SQLAlchemyError as error:
        _fail(f"database error: {_first_line(error)}", code=1)
    if count == 0:
        _fail(f"no live token named {token_name!r} in clinic {clinic_id!r}", code=1)
    typer.echo(f"Revoked {count} token(s) named {token_name!r} in clinic {clinic_id!r}.")


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
