"""Builders for the compliance tests: journeys told through the aggregate, and histories
folded straight into facts, as an import would bring them (no J-rule refuses them)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

import pytest

from domain.compliance import Finding, compliance_findings
from domain.entries import Entry
from domain.fold import apply_entry, note_arrival
from domain.journey import Journey
from domain.journey_facts import JourneyFacts
from domain.protocols import KAP_STANDARD, SPRAVATO_REMS, ProtocolProfile
from tests.story import Step, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    RECORDING_DELAY,
    discharge_time,
    full_session,
    given_journey,
    intake_for,
    open_journey,
    series,
    series_offsets,
    version_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
PHQ9_8 = [1, 1, 1, 1, 1, 1, 1, 1, 0]
HIGH_BP = {"systolic": 150, "diastolic": 95, "heart_rate": 74}
AFTER = FIRST_DOSE + 4 * HOUR
"""When corrections and back-dated entries are posted: after session 1 is discharged."""


@pytest.fixture(params=[KAP_STANDARD, SPRAVATO_REMS], ids=["kap", "spravato"])
def profile(request: pytest.FixtureRequest) -> ProtocolProfile:
    """Each protocol profile in turn."""
    return request.param


PRESCRIBER_OVERRIDE = {
    "by": {"id": "dr-lee", "role": "prescriber"},
    "reason": "BP stable on repeat; benefit outweighs risk.",
}


class SessionVersions(NamedTuple):
    check: int
    dose: int
    discharge: int


def session_versions(journey: Journey, number: int) -> SessionVersions:
    """The versions of session ``number``'s pre-dose check, dose and discharge."""
    return SessionVersions(
        *(
            version_of(journey, event_type, session=number)
            for event_type in ("PreDoseCheckCompleted", "KetamineAdministered", "PatientDischarged")
        )
    )


def imported_version(steps: list[Step], s: Step) -> int:
    """The version ``imported`` gives step ``s`` of ``steps`` (the opening is version 1)."""
    return 2 + steps.index(s)


def last_series_dose(profile: ProtocolProfile) -> datetime:
    return FIRST_DOSE + series_offsets(profile, profile.series_length)[-1]


def last_series_discharge(profile: ProtocolProfile) -> datetime:
    return discharge_time(profile, last_series_dose(profile))


def whole_series(profile: ProtocolProfile) -> list[Step]:
    """Intake and the full induction series, every duty done on time."""
    return [*intake_for(profile), *series(profile, profile.series_length)]


def clean_journey(profile: ProtocolProfile) -> Journey:
    """The clinic's story done right: series with the PHQ-9 the profile schedules after
    session 3 (C-13), end-of-series PHQ-9, maintenance plan, closure."""
    end = last_series_discharge(profile)
    steps = whole_series(profile)
    after_3 = discharge_time(profile, FIRST_DOSE + series_offsets(profile, 3)[-1]) + DAY
    before_4 = next(
        i
        for i, s in enumerate(steps)
        if s.type == "PreDoseCheckCompleted" and s.data["session"] == 4
    )
    return given_journey(
        profile,
        [
            *steps[:before_4],
            phq9(PHQ9_8, after_3, "follow_up"),
            *steps[before_4:],
            phq9(PHQ9_8, end + DAY, "end_of_series"),
            step("TreatmentPlanUpdated", end + 2 * DAY),
            step("JourneyClosed", end + 3 * DAY),
        ],
    )


def dosed_once(profile: ProtocolProfile) -> Journey:
    """Intake and one full session, every duty of it done."""
    return given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])


def findings_of(journey: Journey) -> list[Finding]:
    return compliance_findings(journey.facts)


def keys(findings: Iterable[Finding]) -> list[tuple[str, str]]:
    return [(f.rule, f.occurrence) for f in findings]


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def imported(profile: ProtocolProfile, steps: Iterable[Step]) -> JourneyFacts:
    """Fold entries directly, versions 2 onwards, as an imported history would arrive."""
    facts = copy.deepcopy(open_journey(profile).facts)
    for version, s in enumerate(steps, start=2):
        entry = Entry(version, s.type, s.occurred_at, s.occurred_at + RECORDING_DELAY, s.data)
        apply_entry(facts, entry)
        note_arrival(facts, entry, None)
    return facts
