"""The journey page says what raised each flag and when (issue 10, item 24)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from tests.integration.http.conftest import Api
from tests.integration.http.test_flag_details import DOSES, through_session_3
from tests.integration.web.conftest import sign_in
from tests.story import step


def test_the_journey_page_lists_each_flags_details(api: Api) -> None:
    journey_id = through_session_3(api)
    api.post_all(
        journey_id,
        [step("AdverseEventReported", DOSES[2] + timedelta(minutes=30), session=3)],
    )

    page = sign_in(api, api.tokens["staff"]).get(f"/journeys/{journey_id}")

    assert page.status_code == 200
    details = re.findall(r'<li data-flag="([a-z_]+)">([^<]+)</li>', page.text)
    assert [(flag, html.unescape(text)) for flag, text in details] == [
        ("adverse_event", "Mild nausea in session 3, 2026-10-12 09:30 UTC."),
        (
            "measure_due",
            "The PHQ-9 after session 3 is due since 2026-10-12 10:15 UTC: record it as follow_up.",
        ),
    ]
