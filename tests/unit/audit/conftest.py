"""Fixtures of the checkpoint tests: a throwaway SQLite database, a fake log, a key."""

from __future__ import annotations

import pytest

from interface.audit.signing import SigningKey
from interface.storage.engine import create_sql_engine
from tests.unit.audit.checkpoint_scene import FakeLog


@pytest.fixture
def engine(tmp_path):
    engine = create_sql_engine(f"sqlite:///{tmp_path / 'kap.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def log() -> FakeLog:
    return FakeLog()


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()
