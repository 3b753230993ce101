from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.journeys_app import new_key
from tests.integration.readmodels.harness import ReadModels


@pytest.fixture
def models(database_url: str) -> Iterator[ReadModels]:
    """A Journeys application and its read models on an empty database (each kind)."""
    built = ReadModels(database_url, new_key())
    try:
        yield built
    finally:
        built.close()
