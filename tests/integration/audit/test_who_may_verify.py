"""Who may verify a journey is decided once (``application.audit.verify_access``): the
API's verify and the auditor's history page give the same answer in every case, to the
journey's own clinic and to another."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from uuid import UUID

import pytest

from tests.integration.audit.intruder import Intruder
from tests.integration.http.conftest import Api, running_api
from tests.integration.web.conftest import caught_up, sign_in
from tests.story import intake


@pytest.fixture
def signed_api(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.setenv("KAP_SIGNING_KEY", base64.b64encode(bytes(range(32))).decode())
    with running_api(database_url) as running:
        yield running


def _sound(api: Api, journey_id: str) -> None:
    pass


def _damaged(api: Api, journey_id: str) -> None:
    intruder = Intruder(api.database_url, api.app.state.services.journeys)
    intruder.drop_protection()
    intruder.swap(UUID(journey_id), 3, 4)


def _removed_after_a_checkpoint(api: Api, journey_id: str) -> None:
    api.app.state.services.checkpoints.create()
    _remove(api, journey_id)


def _removed_before_any_checkpoint(api: Api, journey_id: str) -> None:
    _remove(api, journey_id)


def _remove(api: Api, journey_id: str) -> None:
    intruder = Intruder(api.database_url, api.app.state.services.journeys)
    intruder.drop_protection()
    intruder.delete(UUID(journey_id), 1)


CASES: dict[str, tuple[Callable[[Api, str], None], int, int]] = {
    # what happened: (to the journey, its own clinic sees, another clinic sees)
    "sound": (_sound, 200, 404),
    "damaged": (_damaged, 200, 404),
    "removed_after_a_checkpoint": (_removed_after_a_checkpoint, 200, 404),
    # Nothing stored and nothing signed to judge it against: not found to anyone, even
    # where the caseload still remembers the journey.
    "removed_before_any_checkpoint": (_removed_before_any_checkpoint, 404, 404),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_api_and_the_history_page_agree_on_who_may_verify(signed_api: Api, case: str):
    api = signed_api
    happen, own_expected, other_expected = CASES[case]
    journey_id = api.journey()
    api.post_all(journey_id, intake())
    caught_up(api)  # the caseload remembers the journey's clinic
    happen(api, journey_id)
    services = api.app.state.services
    own = api.tokens["auditor"]
    other = services.tokens.issue("auditor", "clinic-b", "audit-b")

    def over_api(token: str) -> int:
        return api.client.get(
            f"/v1/journeys/{journey_id}/verify",
            headers=api.headers(token, x_purpose_of_use="audit"),
        ).status_code

    def on_page(token: str) -> int:
        return sign_in(api, token).get(f"/journeys/{journey_id}/audit").status_code

    assert (over_api(own), on_page(own)) == (own_expected, own_expected)
    assert (over_api(other), on_page(other)) == (other_expected, other_expected)
