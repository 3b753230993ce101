"""The dashboard of a Denver clinic shows every moment on the clinic's wall clock, with
its offset, and says so; a clinic in UTC sees its pages as before."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from tests.integration.http.conftest import Api
from tests.integration.http.test_local_time_over_http import (
    DENVER,
    NEXT_DOSE_POSSIBLE,
    checked_for_a_second_dose,
    dosed_before_the_change,
    in_denver,
)
from tests.integration.web.conftest import caught_up, sign_in
from tests.story import START, dosing_session, intake, phq9

SPRAVATO_DOSE = datetime(2026, 10, 6, 16, 0, tzinfo=UTC)  # Tue 10:00 MDT
REMS_FORM_DUE = "Tue 2026-10-13 10:00 MDT (UTC-06:00)"


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_journey_page_shows_the_clinics_wall_clock(api: Api) -> None:
    in_denver(api)
    journey = dosed_before_the_change(api)
    checked_for_a_second_dose(api, journey)

    page = sign_in(api, api.tokens["staff"]).get(f"/journeys/{journey}")

    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Sat 2026-10-31 10:00 MDT (UTC-06:00)" in shown  # the dose, before the change
    assert "Sun 2026-11-01 07:40 MST (UTC-07:00)" in shown  # the check, after it
    assert NEXT_DOSE_POSSIBLE in shown
    assert f'data-time-zone="{DENVER}"' in page.text
    assert "Times are UTC" not in shown
    assert not re.search(r"\d{2}:\d{2} UTC\b", shown)


def test_a_caseload_row_kept_in_utc_reads_in_the_clinics_zone(api: Api) -> None:
    journey = api.journey(protocol="spravato-rems")
    api.post_all(journey, intake(START, route="intranasal"))
    session = dosing_session(1, SPRAVATO_DOSE, protocol="spravato-rems", integrate=False)
    api.post_all(journey, [s for s in session if s.type != "RemsMonitoringFormSubmitted"])
    follow_up = phq9(
        [1, 1, 1, 1, 1, 1, 1, 1, 0], SPRAVATO_DOSE + timedelta(days=8), timepoint="follow_up"
    )
    api.post_all(journey, [follow_up])
    caught_up(api)
    staff = sign_in(api, api.tokens["staff"])
    in_utc = text_of(staff.get("/").text)

    in_denver(api)  # after the row was stored: it is read in the new zone at once
    in_zone = text_of(staff.get("/").text)
    over_http = api.client.get("/v1/journeys", headers=api.headers(api.tokens["staff"])).json()

    assert "it was due 2026-10-13 16:00 UTC." in in_utc
    assert f"it was due {REMS_FORM_DUE}." in in_zone
    (row,) = over_http["journeys"]
    assert row["next_step"]["text"].endswith(f"it was due {REMS_FORM_DUE}.")


def test_the_replay_form_takes_a_moment_on_the_clinics_wall_clock(api: Api) -> None:
    in_denver(api)
    journey = dosed_before_the_change(api)
    auditor = sign_in(api, api.tokens["auditor"])

    form = auditor.get(f"/journeys/{journey}/replay")
    replayed = auditor.get(
        f"/journeys/{journey}/replay", params={"at": "2026-10-31T10:30", "view": "occurred"}
    )

    assert f"Moment ({DENVER})" in text_of(form.text)
    shown = text_of(replayed.text)
    assert replayed.status_code == 200, shown
    assert "judged at Sat 2026-10-31 10:30 MDT (UTC-06:00)" in shown  # 16:30 UTC


def test_the_access_log_shows_each_read_to_the_second_in_the_clinics_zone(api: Api) -> None:
    in_denver(api)
    journey = dosed_before_the_change(api)
    api.status(journey)
    auditor = sign_in(api, api.tokens["auditor"])

    shown = text_of(auditor.get("/audit/access-log").text)

    assert re.search(r"\w{3} 2026-\d{2}-\d{2} \d{2}:\d{2}:\d{2} M[SD]T \(UTC-0[67]:00\)", shown)


def test_a_clinic_in_utc_sees_its_pages_as_before(api: Api) -> None:
    journey = dosed_before_the_change(api)

    page = sign_in(api, api.tokens["staff"]).get(f"/journeys/{journey}")

    shown = text_of(page.text)
    assert "2026-10-31 16:00 UTC" in shown
    assert "Times are UTC." in shown
    assert "data-time-zone" not in page.text
