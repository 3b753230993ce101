"""The status names when the spacing rules next allow a dose, while they hold it."""

from __future__ import annotations

from datetime import timedelta

from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from domain.status import journey_status
from tests.story import step
from tests.unit.domain.conftest import FIRST_DOSE, given_journey, intake_for, post, series

HOUR, MINUTE = timedelta(hours=1), timedelta(minutes=1)


def next_dose_at(journey, now):
    return journey_status(journey.id, journey.version, journey.facts, now).next_dose_possible_at


def test_nothing_holds_a_first_dose() -> None:
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD))
    assert next_dose_at(journey, FIRST_DOSE) is None


def test_the_gap_after_a_dose_ends_at_its_line() -> None:
    journey = given_journey(KAP_STANDARD, [*intake_for(KAP_STANDARD), *series(KAP_STANDARD, 1)])
    ends = FIRST_DOSE + 24 * HOUR
    assert next_dose_at(journey, FIRST_DOSE + 3 * HOUR) == ends
    assert next_dose_at(journey, ends - MINUTE) == ends
    assert next_dose_at(journey, ends) is None  # possible now: spacing holds nothing
    status = journey_status(journey.id, journey.version, journey.facts, ends - MINUTE)
    assert any("2026-10-07 10:00 UTC" in b.text for b in status.blockers if b.rule == "J-07")


def test_the_weekly_cap_holds_past_the_gap() -> None:
    journey = given_journey(SPRAVATO_REMS, [*intake_for(SPRAVATO_REMS), *series(SPRAVATO_REMS, 2)])
    # doses on day 0 and day 3 of week 1: at most 2 in any 7 days, so day 7 at the dose hour.
    assert next_dose_at(journey, FIRST_DOSE + timedelta(days=5)) == FIRST_DOSE + timedelta(days=7)


def test_a_closed_journey_waits_for_nothing() -> None:
    journey = given_journey(KAP_STANDARD, [*intake_for(KAP_STANDARD), *series(KAP_STANDARD, 1)])
    closing = FIRST_DOSE + 4 * HOUR
    journey_closed = step("JourneyClosed", closing, reason="completed")
    post(journey, journey_closed)
    assert next_dose_at(journey, closing + MINUTE) is None
