"""Builders for the compliance tests: journeys told through the aggregate, and histories
folded straight into facts, as an import would bring them (no J-rule refuses them)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime, timedelta

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
    is_spravato,
    open_journey,
    series,
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


def session_versions(number: int) -> tuple[int, int, int, int]:
    """Check, dose, discharge, then integration (KAP) or REMS form (Spravato), after the
    six intake versions (opened, consultation, baseline, screening, consent, preparation)."""
    first = 7 + 4 * (number - 1)
    return first, first + 1, first + 2, first + 3


def series_gap(profile: ProtocolProfile) -> timedelta:
    return timedelta(days=4) if is_spravato(profile) else timedelta(days=3)


def last_series_discharge(profile: ProtocolProfile) -> datetime:
    last_dose = FIRST_DOSE + series_gap(profile) * (profile.series_length - 1)
    return discharge_time(profile, last_dose)


def whole_series(profile: ProtocolProfile) -> list[Step]:
    """Intake and the full induction series, every duty done on time."""
    return [*intake_for(profile), *series(profile, profile.series_length)]


def clean_journey(profile: ProtocolProfile) -> Journey:
    """The clinic's story done right: series, end-of-series PHQ-9, maintenance plan, closure."""
    end = last_series_discharge(profile)
    return given_journey(
        profile,
        [
            *whole_series(profile),
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
