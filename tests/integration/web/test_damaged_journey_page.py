"""The dashboard on a journey whose stored entries were swapped (raw SQL, triggers
dropped): a clear page, 409, to the journey's own clinic; not found to another."""

from __future__ import annotations

from uuid import UUID

from tests.integration.audit.intruder import Intruder
from tests.integration.http.conftest import Api
from tests.integration.web.conftest import caught_up, sign_in
from tests.story import intake


def damaged_journey(api: Api) -> str:
    journey_id = api.journey()
    api.post_all(journey_id, intake())
    caught_up(api)
    intruder = Intruder(api.database_url, api.app.state.services.journeys)
    intruder.drop_protection()
    a, _ = intruder.row(UUID(journey_id), 3)
    b, _ = intruder.row(UUID(journey_id), 4)
    intruder.overwrite(UUID(journey_id), 3, b)
    intruder.overwrite(UUID(journey_id), 4, a)
    return journey_id


def test_staff_see_a_clear_page_not_a_500(api: Api) -> None:
    journey_id = damaged_journey(api)
    staff = sign_in(api, api.tokens["staff"])

    page = staff.get(f"/journeys/{journey_id}")

    assert page.status_code == 409
    assert "This journey cannot be read" in page.text
    assert "no longer fit together in order" in page.text
    assert "MRN-0042" not in page.text


def test_the_auditor_sees_which_entries_and_replay_says_damaged(api: Api) -> None:
    journey_id = damaged_journey(api)
    auditor = sign_in(api, api.tokens["auditor"])

    history = auditor.get(f"/journeys/{journey_id}/audit")
    replay = auditor.get(f"/journeys/{journey_id}/replay", params={"version": 2})
    form = auditor.get(f"/journeys/{journey_id}/replay")

    assert history.status_code == 200
    assert 'data-version="3" data-verified="false"' in history.text
    assert replay.status_code == 409
    assert form.status_code == 409
    assert "This journey cannot be read" in replay.text


def test_another_clinic_finds_nothing(api: Api) -> None:
    journey_id = damaged_journey(api)
    other = sign_in(api, api.other_clinic["staff"])

    assert other.get(f"/journeys/{journey_id}").status_code == 404
