"""Sessions billed by the minutes they record: preparation and integration by their own
``minutes`` over the clinic's standard length, guided therapy by its notes' minutes over
the time from the dose to the last note; entries without minutes bill as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.billing import superbill
from tests.story import START, Step, data, dosing_session, intake
from tests.unit.billing.billing_story import clinic, entries_of, journey
from tests.unit.domain.conftest import FIRST_DOSE, correct, version_of

STANDARD = {"preparation": 30, "integration": 30}
"""A clinic standard (90832) that no recorded length below falls under."""


def minutes(s: Step, value: int | None) -> Step:
    return replace(s, data={**s.data, "minutes": value})


def talk_lines(bill):
    return [(line.service, line.code, line.minutes, line.minutes_from) for line in bill.lines]


def series(prep: int | None, integration: int | None) -> list[Step]:
    """Intake with its preparation, then session 1, the integration recording ``minutes``."""
    *before, preparation = intake(START)
    *session, integrated = dosing_session(1, FIRST_DOSE)
    return [*before, minutes(preparation, prep), *session, minutes(integrated, integration)]


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [(15, None), (16, "90832"), (37, "90832"), (38, "90834"), (52, "90834"), (53, "90837")],
)
def test_preparation_and_integration_are_coded_by_their_recorded_minutes(recorded, expected):
    bill = superbill(
        entries_of(journey(series(recorded, recorded))), clinic(standard_minutes=STANDARD)
    )

    talk = [line for line in bill.lines if line.service.startswith(("Prep", "Integ"))]
    assert [(t.code, t.minutes, t.minutes_from) for t in talk] == (
        [(expected, recorded, "record")] * 2 if expected else []
    )
    if expected is None:
        assert bill.notes == [
            f"Preparation: {recorded} min is under 16, not billed.",
            f"Integration (session 1): {recorded} min is under 16, not billed.",
        ]


def test_52_recorded_minutes_bill_90834_and_53_bill_90837_over_a_standard_of_60():
    bill = superbill(entries_of(journey(series(52, 53))), clinic())  # standard: 60 each

    assert talk_lines(bill)[1] == ("Preparation", "90834", 52, "record")
    assert talk_lines(bill)[-1] == ("Integration (session 1)", "90837", 53, "record")


def test_an_entry_without_minutes_or_with_null_bills_the_clinic_standard():
    bill = superbill(
        entries_of(journey(series(None, 53))),
        clinic(standard_minutes={"preparation": 45, "integration": 45}),
    )
    assert talk_lines(bill)[1] == ("Preparation", "90834", 45, "clinic standard")
    assert talk_lines(bill)[-1] == ("Integration (session 1)", "90837", 53, "record")

    *before, preparation = intake(START)  # the field left out, as entries stored before it
    assert "minutes" not in preparation.data
    bill = superbill(entries_of(journey([*before, preparation])), clinic())
    assert talk_lines(bill)[1] == ("Preparation", "90837", 60, "clinic standard")


def test_corrected_minutes_are_billed_as_corrected():
    j = journey(series(60, 52))
    integration = version_of(j, "IntegrationCompleted")
    correct(j, integration, {"minutes": 53}, FIRST_DOSE + timedelta(days=2))

    assert talk_lines(superbill(entries_of(j), clinic()))[-1] == (
        "Integration (session 1)",
        "90837",
        53,
        "record",
    )


def session_noted(*notes: tuple[int, str, int | None], discharge_after: int = 75) -> list[Step]:
    """Session 1 (check 20 min before the dose), guided therapy noted at each
    (minutes after the dose, by whom, minutes recorded), discharged ``discharge_after``
    minutes after the dose."""
    check, dose, _, vitals, discharge = dosing_session(1, FIRST_DOSE, integrate=False)
    noted = [
        Step(
            "GuidedTherapyNoted",
            FIRST_DOSE + timedelta(minutes=after),
            data("GuidedTherapyNoted", session=1, minutes=recorded),
            by,
        )
        for after, by, recorded in notes
    ]
    out = replace(discharge, occurred_at=FIRST_DOSE + timedelta(minutes=discharge_after))
    return [check, dose, *noted, vitals, out]


def bill_of(steps: list[Step]):
    return superbill(entries_of(journey([*intake(START), *steps])), clinic())


def therapy_and_visit(bill) -> tuple[tuple[str, int | None], tuple[str, int | None]]:
    (visit,) = [line for line in bill.lines if line.service.endswith(": visit")]
    (therapy,) = [line for line in bill.lines if "guided therapy" in line.service]
    return (therapy.code, therapy.minutes), (visit.code, visit.minutes)


@pytest.mark.parametrize(
    ("recorded", "by", "expected"),
    [
        (52, "therapist", "90834"),
        (53, "therapist", "90837"),
        (37, "prescriber", "90833"),
        (38, "prescriber", "90836"),
        (52, "prescriber", "90836"),
        (53, "prescriber", "90838"),
    ],
)
def test_guided_therapy_is_coded_by_its_recorded_minutes_not_its_notes_time(recorded, by, expected):
    # Noted 20 min after the dose: by the time alone it would be 90832 or 90833.
    bill = bill_of(session_noted((20, by, recorded)))

    therapy, visit = therapy_and_visit(bill)
    assert therapy == (expected, recorded)
    # CPT: the psychotherapy's minutes do not count toward the visit's 95 (check to discharge).
    assert visit == ("99215", 95 - recorded)


def test_the_minutes_of_a_sessions_notes_add_up_and_a_note_without_adds_none():
    bill = bill_of(
        session_noted((20, "therapist", 25), (40, "therapist", None), (60, "therapist", 28))
    )

    assert therapy_and_visit(bill)[0] == ("90837", 53)


def test_recorded_therapy_never_counts_more_than_the_visit_lasted():
    # Check 20 min before the dose, discharge 75 after it: 95 min in all.
    bill = bill_of(session_noted((20, "prescriber", 120)))

    assert therapy_and_visit(bill) == (("90838", 95), ("99213", 0))


def test_guided_therapy_without_minutes_runs_from_the_dose_to_its_last_note():
    bill = bill_of(session_noted((20, "therapist", None), (45, "therapist", None)))

    assert therapy_and_visit(bill) == (("90834", 45), ("99215", 50))
