"""A Denver clinic reads its moments on its own wall clock, across both daylight-saving
changes, while every rule still counts real hours between instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from application.projections.caseload_rows import caseload_row
from domain.clinic_context import ClinicContext
from domain.local_time import (
    clinic_time,
    clock,
    clock_span,
    is_utc,
    localized,
    stamp,
    stamp_in,
    stamp_to_the_second,
)
from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from interface.readmodels.rows import findings_rows
from tests.story import intake, phq9
from tests.unit.domain.conftest import (
    full_session,
    open_journey,
    post,
    pre_dose_check,
    status_of,
)

DENVER = ZoneInfo("America/Denver")
MINUTE = timedelta(minutes=1)
FALL_2026 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
"""02:00 MDT becomes 01:00 MST."""
SPRING_2027 = datetime(2027, 3, 14, 9, 0, tzinfo=UTC)
"""02:00 MST becomes 03:00 MDT."""
FALL_2027 = datetime(2027, 11, 7, 8, 0, tzinfo=UTC)


def denver(moment: datetime) -> str:
    with clinic_time(DENVER):
        return stamp(moment)


# --- stamps ----------------------------------------------------------------------------


def test_utc_reads_as_it_always_did():
    moment = datetime(2026, 10, 8, 10, 0, 59, tzinfo=UTC)

    assert stamp(moment) == "2026-10-08 10:00 UTC"
    assert stamp_to_the_second(moment) == "2026-10-08 10:00:59 UTC"
    for named_utc in (ZoneInfo("UTC"), ZoneInfo("Etc/UTC"), ClinicContext("clinic-a").zone):
        with clinic_time(named_utc):
            assert stamp(moment) == "2026-10-08 10:00 UTC"
        assert is_utc(named_utc)


def test_a_clinic_reads_its_weekday_wall_clock_abbreviation_and_offset():
    assert denver(datetime(2026, 10, 8, 10, 0, tzinfo=UTC)) == (
        "Thu 2026-10-08 04:00 MDT (UTC-06:00)"
    )
    with clinic_time(DENVER):
        assert stamp_to_the_second(datetime(2026, 10, 8, 10, 0, 5, tzinfo=UTC)) == (
            "Thu 2026-10-08 04:00:05 MDT (UTC-06:00)"
        )


def test_a_zone_east_of_utc_and_one_off_the_hour():
    moment = datetime(2026, 10, 8, 10, 0, tzinfo=UTC)

    assert stamp_in(moment, ZoneInfo("Europe/Berlin")) == "Thu 2026-10-08 12:00 CEST (UTC+02:00)"
    assert stamp_in(moment, ZoneInfo("Asia/Kolkata")) == "Thu 2026-10-08 15:30 IST (UTC+05:30)"


def test_a_zone_without_an_abbreviation_shows_its_offset_once():
    moment = datetime(2026, 10, 8, 10, 0, tzinfo=UTC)

    assert stamp_in(moment, ZoneInfo("America/Sao_Paulo")) == "Thu 2026-10-08 07:00 (UTC-03:00)"


@pytest.mark.parametrize(
    ("moment", "reads"),
    [
        (FALL_2026 - MINUTE, "Sun 2026-11-01 01:59 MDT (UTC-06:00)"),
        (FALL_2026, "Sun 2026-11-01 01:00 MST (UTC-07:00)"),
        (SPRING_2027 - MINUTE, "Sun 2027-03-14 01:59 MST (UTC-07:00)"),
        (SPRING_2027, "Sun 2027-03-14 03:00 MDT (UTC-06:00)"),
        (FALL_2027 - MINUTE, "Sun 2027-11-07 01:59 MDT (UTC-06:00)"),
        (FALL_2027, "Sun 2027-11-07 01:00 MST (UTC-07:00)"),
    ],
)
def test_either_side_of_each_change(moment, reads):
    assert denver(moment) == reads


def test_the_hour_the_clocks_repeat_reads_twice_told_apart_by_its_offset():
    first, second = FALL_2026 - timedelta(minutes=30), FALL_2026 + timedelta(minutes=30)

    assert denver(first) == "Sun 2026-11-01 01:30 MDT (UTC-06:00)"
    assert denver(second) == "Sun 2026-11-01 01:30 MST (UTC-07:00)"


def test_the_hour_the_clocks_skip_is_never_shown():
    shown = [denver(SPRING_2027 - timedelta(hours=1) + MINUTE * n) for n in range(120)]

    assert not [s for s in shown if " 02:" in s]


def test_the_zone_is_set_only_inside_the_block():
    moment = datetime(2026, 10, 8, 10, 0, tzinfo=UTC)
    with clinic_time(DENVER):
        with clinic_time(UTC):
            assert stamp(moment) == "2026-10-08 10:00 UTC"
        assert stamp(moment).endswith("(UTC-06:00)")
    assert stamp(moment) == "2026-10-08 10:00 UTC"


def test_a_time_of_day_within_a_session_and_a_window():
    start = datetime(2026, 10, 8, 10, 30, tzinfo=UTC)
    end = start + timedelta(minutes=20)

    assert clock(start) == "10:30 UTC"
    assert clock_span(start, end) == "10:30 and 10:50 UTC"
    with clinic_time(DENVER):
        assert clock(start) == "04:30 MDT (UTC-06:00)"
        assert clock_span(start, end) == "04:30 and 04:50 MDT (UTC-06:00)"
        # A window the clocks go back in: each end with its own offset.
        assert clock_span(FALL_2026 - timedelta(minutes=10), FALL_2026 + timedelta(minutes=10)) == (
            "01:50 MDT (UTC-06:00) and 01:10 MST (UTC-07:00)"
        )


# --- sentences kept in UTC, read in the clinic's zone ------------------------------------


def test_a_sentence_kept_in_utc_reads_each_moment_on_the_clinics_wall_clock():
    kept = (
        "Submit the REMS form of session 1: it was due 2026-11-06 16:00 UTC "
        "(dosed 2026-10-30 16:00 UTC)."
    )

    assert localized(kept, DENVER) == (
        "Submit the REMS form of session 1: it was due Fri 2026-11-06 09:00 MST (UTC-07:00) "
        "(dosed Fri 2026-10-30 10:00 MDT (UTC-06:00))."
    )
    assert localized(kept, UTC) == kept
    assert localized(kept) == kept  # no zone set: UTC
    with clinic_time(DENVER):
        assert localized(kept) == localized(kept, DENVER)


def test_only_a_whole_utc_stamp_is_read_again():
    untouched = [
        "Observe until 10:30 UTC.",
        "Version 2026-11-06 16:00 UTCX.",
        "12026-11-06 16:00 UTC",
        "Recorded 2026-11-06T16:00:00+00:00.",
    ]
    for text in untouched:
        assert localized(text, DENVER) == text


def test_a_utc_stamp_written_by_stamp_reads_back_as_the_clinics_stamp():
    for moment in (FALL_2026 - MINUTE, FALL_2026, SPRING_2027 - MINUTE, SPRING_2027):
        assert localized(stamp(moment), DENVER) == denver(moment)


# --- rules count instants; only their sentences are local --------------------------------


def opened_in_denver(profile, start: datetime):
    """Intake over the week from ``start`` (Monday 09:00 on the clinic's wall clock)."""
    journey = open_journey(profile, start)
    route = "intranasal" if profile is SPRAVATO_REMS else "im"
    for s in intake(start, route=route):
        post(journey, s)
    return journey


def spacing_blocker(journey, now: datetime) -> str:
    with clinic_time(DENVER):
        status = status_of(journey, now)
    (text,) = [b.text for b in status.blockers if b.rule == "J-07" and "must pass" in b.text]
    return text


def test_48_hours_across_the_spring_change_end_an_hour_later_on_the_wall_clock():
    monday = datetime(2027, 3, 8, 16, 0, tzinfo=UTC)  # 09:00 MST
    journey = opened_in_denver(SPRAVATO_REMS, monday)
    saturday_10_mst = datetime(2027, 3, 13, 17, 0, tzinfo=UTC)
    for s in full_session(SPRAVATO_REMS, 1, saturday_10_mst):
        post(journey, s)
    sunday_noon = datetime(2027, 3, 14, 18, 0, tzinfo=UTC)
    post(journey, pre_dose_check(2, sunday_noon + timedelta(minutes=20)))

    text = spacing_blocker(journey, sunday_noon)

    assert denver(saturday_10_mst) == "Sat 2027-03-13 10:00 MST (UTC-07:00)"
    assert "At least 48 h must pass between doses" in text
    assert text.endswith("the next dose is possible from Mon 2027-03-15 11:00 MDT (UTC-06:00).")
    # 48 real hours: the instant is exact; the wall clock moved an hour forward meanwhile.
    assert saturday_10_mst + timedelta(hours=48) == datetime(2027, 3, 15, 17, 0, tzinfo=UTC)


def test_48_hours_across_the_november_change_end_an_hour_earlier_on_the_wall_clock():
    monday = datetime(2026, 10, 26, 15, 0, tzinfo=UTC)  # 09:00 MDT
    journey = opened_in_denver(SPRAVATO_REMS, monday)
    saturday_10_mdt = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    for s in full_session(SPRAVATO_REMS, 1, saturday_10_mdt):
        post(journey, s)
    sunday_noon = datetime(2026, 11, 1, 19, 0, tzinfo=UTC)
    post(journey, pre_dose_check(2, sunday_noon + timedelta(minutes=20)))

    text = spacing_blocker(journey, sunday_noon)

    assert denver(saturday_10_mdt) == "Sat 2026-10-31 10:00 MDT (UTC-06:00)"
    assert text.endswith("the next dose is possible from Mon 2026-11-02 09:00 MST (UTC-07:00).")


def test_a_due_time_across_the_november_change_reads_in_standard_time():
    monday = datetime(2026, 10, 26, 15, 0, tzinfo=UTC)
    journey = opened_in_denver(SPRAVATO_REMS, monday)
    friday_10_mdt = datetime(2026, 10, 30, 16, 0, tzinfo=UTC)
    for s in full_session(SPRAVATO_REMS, 1, friday_10_mdt, rems_form=False):
        post(journey, s)
    due = journey.facts.due_at("rems_form", journey.facts.ordered_sessions()[0])

    with clinic_time(DENVER):
        status = status_of(journey, due + MINUTE)

    assert due == friday_10_mdt + timedelta(days=7)  # seven days of real time
    (detail,) = status.flag_details["rems_form_overdue"]
    assert detail.at == due
    assert detail.text == (
        "The REMS monitoring form for session 1 was due by Fri 2026-11-06 09:00 MST (UTC-07:00)."
    )


def test_an_integration_due_across_the_spring_change_reads_in_daylight_time():
    monday = datetime(2027, 3, 1, 16, 0, tzinfo=UTC)  # 09:00 MST
    journey = opened_in_denver(KAP_STANDARD, monday)
    saturday_10_mst = datetime(2027, 3, 13, 17, 0, tzinfo=UTC)
    for s in full_session(KAP_STANDARD, 1, saturday_10_mst, integrate=False):
        post(journey, s)
    due = journey.facts.due_at("integration", journey.facts.ordered_sessions()[0])

    with clinic_time(DENVER):
        status = status_of(journey, due + MINUTE)

    (detail,) = status.flag_details["integration_overdue"]
    assert detail.text.endswith("was due by " + denver(due) + ".")
    assert "MDT (UTC-06:00)" in detail.text
    with clinic_time(UTC):  # the same journey, read by a clinic in UTC: as before
        assert status_of(journey, due + MINUTE).flag_details["integration_overdue"][0].text == (
            f"The integration session for session 1 was due by {due:%Y-%m-%d %H:%M} UTC."
        )


def test_a_caseload_row_keeps_its_sentence_in_utc_whoever_projects_it():
    monday = datetime(2026, 10, 26, 15, 0, tzinfo=UTC)
    journey = opened_in_denver(SPRAVATO_REMS, monday)
    friday_10_mdt = datetime(2026, 10, 30, 16, 0, tzinfo=UTC)
    for s in full_session(SPRAVATO_REMS, 1, friday_10_mdt, rems_form=False):
        post(journey, s)
    post(journey, phq9([1, 1, 1, 1, 1, 1, 1, 1, 0], friday_10_mdt + timedelta(days=8), "follow_up"))

    with clinic_time(DENVER):
        row = caseload_row(journey)

    assert row.next_step_text == (
        "Submit the REMS monitoring form of session 1: it was due 2026-11-06 16:00 UTC."
    )
    assert localized(row.next_step_text, DENVER).endswith(
        "due Fri 2026-11-06 09:00 MST (UTC-07:00)."
    )
    with clinic_time(DENVER):
        (finding,) = [f for f in findings_rows([journey]) if f["rule"] == "C-07"]
    assert "it was due by 2026-11-06 16:00 UTC (counted" in finding["detail"]
