"""The demo's sessions record their length, so its superbill bills 90837 and 90834 by
the minutes each preparation, guided therapy and integration took."""

from __future__ import annotations

from application.journeys import Journeys
from application.superbill import journey_superbill
from domain.status import JourneyStatus
from interface.demo.cases import SHOWCASE
from interface.demo.seed import DEMO_CLINIC
from tests.integration.test_demo_seed import make_journeys, seeded  # noqa: F401 - fixtures


def test_the_demo_series_is_billed_by_the_minutes_each_session_recorded(
    seeded: tuple[Journeys, dict[str, JourneyStatus]],  # noqa: F811 - the fixture
) -> None:
    journeys, statuses = seeded
    journey_id = statuses[SHOWCASE["six_sessions"]].journey_id
    bill = journey_superbill(journeys, journeys.clinics, DEMO_CLINIC, journey_id)  # type: ignore[attr-defined]

    def lines(kind: str) -> list[tuple[str, int | None]]:
        return [(li.code, li.minutes) for li in bill.lines if kind in li.service]

    assert lines("Preparation") == [("90837", 60)]
    assert lines("guided therapy") == [
        ("90834", 50),
        ("90837", 55),
        ("90837", 60),
        ("90834", 45),
        ("90834", 50),
        ("90837", 55),
    ]
    assert lines("Integration") == [("90837", 55), ("90834", 50)] * 3
    assert "clinic standard" not in {li.minutes_from for li in bill.lines}
