"""The auditor's history page of a journey removed whole after a checkpoint: named to
its own clinic's auditor, not found to another clinic's."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from uuid import UUID

import pytest

from tests.integration.audit.intruder import Intruder
from tests.integration.http.conftest import Api, running_api
from tests.integration.web.conftest import sign_in
from tests.story import intake


@pytest.fixture
def signed_api(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.setenv("KAP_SIGNING_KEY", base64.b64encode(bytes(range(32))).decode())
    with running_api(database_url) as running:
        yield running


def test_a_removed_journey_is_named_to_its_clinic_only(signed_api: Api) -> None:
    """Even where the caseload never filed it (lagging, or rebuilt since the removal),
    the head's own clinic decides who is told."""
    api = signed_api
    api.app.state.services.projections.stop()
    journey_id = api.journey()
    api.post_all(journey_id, intake())
    services = api.app.state.services
    services.checkpoints.create()
    intruder = Intruder(api.database_url, services.journeys)
    intruder.drop_protection()
    intruder.delete(UUID(journey_id), 1)
    outsider = services.tokens.issue("auditor", "clinic-b", "audit-b")

    own = sign_in(api, api.tokens["auditor"]).get(f"/journeys/{journey_id}/audit")
    other = sign_in(api, outsider).get(f"/journeys/{journey_id}/audit")

    assert own.status_code == 200
    assert "none of its entries remain" in own.text
    assert other.status_code == 404
