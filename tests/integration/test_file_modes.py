"""The embedded SQLite database holds patient refs and scores: its file and its -wal and
-shm files are the owner's alone (0600), and so is the directory the service makes for
them (0700), whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from interface.auth.roles import Role
from interface.services import Services
from interface.settings import Settings
from interface.storage.keys import resolve_cipher_key
from tests.integration.journeys_app import open_journey


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """0022, the common default, which leaves new files readable by everyone."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _written(database: Path) -> Services:
    """The service started as ``serve`` starts it, after one journey and one token."""
    settings = Settings(database_url=f"sqlite:///{database}", cipher_key=None)
    resolve_cipher_key(settings)  # serve checks the key first: it may make the directory
    services = Services(settings)
    open_journey(services.journeys)
    services.tokens.issue(Role.STAFF, "clinic-a", "front-desk")
    return services


def test_the_database_and_its_wal_and_shm_files_are_owner_only(tmp_path, usual_umask):
    database = tmp_path / "var" / "kap-journeys.db"
    services = _written(database)
    try:  # -wal and -shm exist while connections are open
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert {f.name: oct(mode(f)) for f in files} == {f.name: "0o600" for f in files}
        assert oct(mode(database.parent)) == "0o700"
    finally:
        services.close()


def test_an_existing_directory_keeps_its_mode(tmp_path, usual_umask):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    services = _written(shared / "kap.db")
    try:
        assert oct(mode(shared)) == "0o750"
        assert oct(mode(shared / "kap.db")) == "0o600"
    finally:
        services.close()
