"""Token storage and the ``tokens`` CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
import typer
from typer.testing import CliRunner

from interface.auth import Principal, Role
from interface.auth.tokens import hash_token
from interface.cli.tokens import tokens_app
from interface.storage.engine import create_sql_engine
from interface.storage.tokens import TokenStore


@pytest.fixture
def engine(database_url: str) -> Iterator[sqlalchemy.Engine]:
    engine = create_sql_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: sqlalchemy.Engine) -> TokenStore:
    store = TokenStore(engine)
    store.create_tables()
    return store


def test_issued_token_authenticates_as_its_principal(store: TokenStore) -> None:
    token = store.issue(Role.STAFF, "clinic-a", "front-desk")

    assert token.startswith("kap_")
    assert store.authenticate(token) == Principal("front-desk", Role.STAFF, "clinic-a")


def test_unknown_token_is_refused(store: TokenStore) -> None:
    store.issue(Role.AUDITOR, "clinic-a", "audit")

    assert store.authenticate("kap_not-a-real-token") is None
    assert store.authenticate("") is None
    assert store.authenticate("x" * 10_000) is None


def test_revoked_token_is_refused(store: TokenStore) -> None:
    token = store.issue(Role.CLINIC_SYSTEM, "clinic-a", "ehr")
    other_clinic = store.issue(Role.CLINIC_SYSTEM, "clinic-b", "ehr")

    assert store.revoke("ehr", "clinic-a") == 1

    assert store.authenticate(token) is None
    assert store.authenticate(other_clinic) == Principal("ehr", Role.CLINIC_SYSTEM, "clinic-b")
    assert store.revoke("ehr", "clinic-a") == 0


def test_a_replaced_token_is_the_only_live_one_of_its_name(store: TokenStore) -> None:
    first = store.issue(Role.STAFF, "clinic-a", "demo-staff")
    other_name = store.issue(Role.STAFF, "clinic-a", "front-desk")
    other_clinic = store.issue(Role.STAFF, "clinic-b", "demo-staff")

    second = store.replace(Role.STAFF, "clinic-a", "demo-staff")

    assert store.authenticate(first) is None
    assert store.authenticate(second) == Principal("demo-staff", Role.STAFF, "clinic-a")
    assert store.authenticate(other_name) is not None
    assert store.authenticate(other_clinic) is not None


def test_database_holds_no_plaintext_token(store: TokenStore, engine: sqlalchemy.Engine) -> None:
    token = store.issue(Role.ADMIN, "clinic-a", "ops")
    secret = token.removeprefix("kap_")

    with engine.connect() as connection:
        rows = connection.execute(sqlalchemy.text("SELECT * FROM api_tokens")).all()

    dumped = repr([tuple(row) for row in rows])
    assert secret not in dumped
    assert hash_token(token) in dumped


def test_two_tokens_differ(store: TokenStore) -> None:
    first = store.issue(Role.STAFF, "clinic-a", "same-name")
    second = store.issue(Role.STAFF, "clinic-a", "same-name")

    assert first != second


@pytest.mark.parametrize("clinic_id", ["", "a" * 65, "clinic a", "clinic/a", "klinik-ü", "c\n"])
def test_invalid_clinic_id_is_refused(store: TokenStore, clinic_id: str) -> None:
    with pytest.raises(ValueError, match="clinic id"):
        store.issue(Role.STAFF, clinic_id, "front-desk")


def test_invalid_token_name_is_refused(store: TokenStore) -> None:
    with pytest.raises(ValueError, match="token name"):
        store.issue(Role.STAFF, "clinic-a", "front desk")


def test_cli_prints_token_alone_on_last_line(database_url: str, engine: sqlalchemy.Engine) -> None:
    runner = CliRunner(env={"KAP_DATABASE_URL": database_url})

    result = runner.invoke(
        tokens_app, ["create", "--role", "staff", "--clinic", "clinic-a", "--name", "desk"]
    )

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) >= 2
    token = lines[-1]
    assert token.startswith("kap_")
    assert token not in "\n".join(lines[:-1])
    assert TokenStore(engine).authenticate(token) == Principal("desk", Role.STAFF, "clinic-a")


def test_cli_revoke_refuses_the_token(database_url: str, engine: sqlalchemy.Engine) -> None:
    runner = CliRunner(env={"KAP_DATABASE_URL": database_url})
    created = runner.invoke(
        tokens_app, ["create", "--role", "auditor", "--clinic", "clinic-a", "--name", "aud"]
    )
    token = created.stdout.splitlines()[-1]

    revoked = runner.invoke(tokens_app, ["revoke", "--clinic", "clinic-a", "--name", "aud"])
    again = runner.invoke(tokens_app, ["revoke", "--clinic", "clinic-a", "--name", "aud"])

    assert revoked.exit_code == 0, revoked.output
    assert TokenStore(engine).authenticate(token) is None
    assert again.exit_code != 0
    assert "no live token" in again.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--role", "root", "--clinic", "clinic-a", "--name", "x"], "unknown role 'root'"),
        (["--role", "staff", "--clinic", "bad clinic", "--name", "x"], "clinic id"),
    ],
)
def test_cli_refuses_bad_role_or_clinic(
    database_url: str, arguments: list[str], message: str
) -> None:
    runner = CliRunner(env={"KAP_DATABASE_URL": database_url})

    result = runner.invoke(tokens_app, ["create", *arguments])

    assert result.exit_code != 0
    assert message in result.stderr
    assert "kap_" not in result.stdout


def test_cli_mounts_as_tokens_subcommand(database_url: str) -> None:
    app = typer.Typer()
    app.add_typer(tokens_app, name="tokens")
    runner = CliRunner(env={"KAP_DATABASE_URL": database_url})

    result = runner.invoke(
        app, ["tokens", "create", "--role", "admin", "--clinic", "c1", "--name", "ops"]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("kap_")


def test_sqlite_engine_creates_its_directory_and_uses_wal(tmp_path: Path) -> None:
    engine = create_sql_engine(f"sqlite:///{tmp_path / 'new' / 'dir' / 'kap.db'}")
    try:
        with engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    finally:
        engine.dispose()

    assert (mode, timeout) == ("wal", 5000)
    assert (tmp_path / "new" / "dir" / "kap.db").exists()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgres_urls_use_psycopg_without_connecting(scheme: str) -> None:
    engine = create_sql_engine(f"{scheme}://user:p%40ss@db.invalid:5432/kap")

    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.url.password == "p@ss"
    assert not engine.pool._pre_ping  # the checkout's socket check replaces the round trip


def test_unknown_database_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        create_sql_engine("mysql://localhost/kap")
