"""The auditor's history of a journey whose seal in the clear no longer reads (one byte
of a KAPSEAL2 header changed): it names that entry, never a 500."""

from __future__ import annotations

from uuid import UUID

from tests.integration.audit.intruder import Intruder
from tests.integration.http.conftest import Api
from tests.integration.web.conftest import caught_up, sign_in
from tests.story import intake


def test_a_seal_that_no_longer_reads_is_named_on_the_auditors_page(api: Api) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, intake())
    caught_up(api)
    intruder = Intruder(api.database_url, api.app.state.services.journeys)
    intruder.drop_protection()
    state, _ = intruder.row(UUID(journey_id), 3)
    at = state.index(b'"digest":"') + 10  # the digest's first hex character, made not hex
    intruder.overwrite(UUID(journey_id), 3, state[:at] + b"g" + state[at + 1 :])
    auditor = sign_in(api, api.tokens["auditor"])

    history = auditor.get(f"/journeys/{journey_id}/audit")

    assert history.status_code == 200
    assert 'data-version="3" data-verified="false"' in history.text
    assert 'data-version="2" data-verified="true"' in history.text
