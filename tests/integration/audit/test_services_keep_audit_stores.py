"""A running service keeps one checkpoint service, one access log and one sign-in session
store, as members of its Services (no module-level caches): made on first use, and not
kept when they cannot be."""

from __future__ import annotations

import base64
import os

import pytest

from interface.audit.signing import MissingSigningKeyError
from interface.services import Services
from interface.settings import Settings
from tests.databases import throwaway_postgres
from tests.integration.journeys_app import new_key


def _services(database_url: str, signing_key: str | None) -> Services:
    return Services(
        Settings(
            database_url=database_url,
            cipher_key=new_key(),
            signing_key=signing_key,
            run_projections=False,
            checkpoint_every_seconds=0,
        )
    )


def test_one_checkpoint_service_and_access_log_per_services(database_url: str) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    first, second = _services(database_url, key), _services(database_url, key)
    try:
        assert first.checkpoints is first.checkpoints
        assert first.access_log is first.access_log
        assert first.checkpoints is not second.checkpoints
        assert first.access_log is not second.access_log
        assert first.web_sessions is first.web_sessions
        assert first.web_sessions is not second.web_sessions
        # Two services over one database read the same checkpoints.
        made = first.checkpoints.create()
        assert made is None  # an empty store has nothing to sign
        assert second.checkpoints.all() == first.checkpoints.all() == []
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
def test_a_missing_signing_key_is_refused_each_time_and_nothing_is_kept() -> None:
    with throwaway_postgres() as url:
        services = _services(url, None)
        try:
            for _ in range(2):
                with pytest.raises(MissingSigningKeyError):
                    _ = services.checkpoints
            services.settings = services.settings.model_copy(
                update={"signing_key": base64.b64encode(os.urandom(32)).decode()}
            )
            assert services.checkpoints.all() == []
        finally:
            services.close()
