"""PostgreSQL without KAP_SIGNING_KEY still serves journeys; whatever needs a signed
checkpoint answers 503 naming the variable, never a 500."""

from __future__ import annotations

import pytest

from tests.databases import throwaway_postgres
from tests.integration.http.conftest import assert_problem, running_api


@pytest.fixture
def api_without_signing_key():
    with throwaway_postgres() as url, running_api(url) as api:
        assert api.settings.signing_key is None
        yield api


@pytest.mark.postgres
@pytest.mark.parametrize("path", ["/v1/audit/checkpoints", "/v1/audit/export?journey={id}"])
def test_what_needs_a_checkpoint_answers_503_naming_the_variable(api_without_signing_key, path):
    api = api_without_signing_key
    journey_id = api.journey()

    answer = api.client.get(
        path.format(id=journey_id),
        headers=api.headers(api.tokens["auditor"], x_purpose_of_use="audit"),
    )

    body = assert_problem(answer, 503, "signing_key_unavailable")
    assert "KAP_SIGNING_KEY" in body["detail"]


@pytest.mark.postgres
def test_journeys_are_still_served_and_verified(api_without_signing_key):
    api = api_without_signing_key
    journey_id = api.journey()

    assert api.status(journey_id, token=api.tokens["staff"]).status_code == 200
    verified = api.client.get(
        f"/v1/journeys/{journey_id}/verify",
        headers=api.headers(api.tokens["auditor"], x_purpose_of_use="audit"),
    )
    assert verified.status_code == 200, verified.text
