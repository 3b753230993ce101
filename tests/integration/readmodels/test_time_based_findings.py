"""Duties that fall due with time: the C-05 and C-07 findings and the caseload's
``integration_overdue`` and ``rems_form_overdue`` flags appear once due, by the clock
alone (no new event), agree with the journey's status, and clear once the duty is done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from uuid import UUID

import pytest

from application.answers import NewEntry
from domain.entries import Actor, Posting
from interface.readmodels.caseload import CaseloadQuery, Caseloads
from interface.readmodels.findings import Findings, FindingsQuery
from tests.integration.journeys_app import FixedClock, new_key
from tests.integration.readmodels.harness import ReadModels
from tests.integration.readmodels.stories import MIN, OBSERVE, Script
from tests.story import START, dosing_session, intake, step

FIRST_DOSE = START + timedelta(days=5, hours=1)
CLINIC = "clinic-a"
DUTIES = {
    # protocol: (flag, rule, the duty's entry type, when it falls due)
    "kap-standard": (
        "integration_overdue",
        "C-05",
        "IntegrationCompleted",
        FIRST_DOSE + OBSERVE["kap-standard"] + timedelta(days=7),
    ),
    "spravato-rems": (
        "rems_form_overdue",
        "C-07",
        "RemsMonitoringFormSubmitted",
        FIRST_DOSE + timedelta(days=7),
    ),
}


class Clinic:
    """A journey whose session-1 duty is left open beside one whose duty was done, and
    the four ways staff and auditors read whether it is overdue."""

    def __init__(self, models: ReadModels, clock: FixedClock, protocol: str) -> None:
        self.models, self.clock, self.protocol = models, clock, protocol
        self.flag, self.rule, self.duty, self.due = DUTIES[protocol]
        route = "intranasal" if protocol == "spravato-rems" else "im"
        session = dosing_session(1, FIRST_DOSE, protocol=protocol, integrate=False)
        left_open, done = Script(1, protocol, CLINIC), Script(2, protocol, CLINIC)
        for s in [*intake(START, route=route), *session]:
            if s.type != self.duty:
                left_open.add(s)
            done.add(s)
        if protocol == "kap-standard":
            done.add(step(self.duty, FIRST_DOSE + timedelta(days=1), session=1))
        self.journey_id: UUID = models.tell(left_open)
        models.tell(done)
        models.project_all()

    def at(self, now: datetime) -> None:
        self.clock.now = now

    def findings(self) -> list[tuple[UUID, str, str]]:
        """The clinic's standing findings of this rule."""
        query = FindingsQuery(CLINIC, self.clock(), rule=self.rule)
        found = Findings(self.models.engine, self.models.registry).standing(query)
        return [(f["journey_id"], f["rule"], f["occurrence"]) for f in found]

    def detail(self) -> str:
        query = FindingsQuery(CLINIC, self.clock(), rule=self.rule, journey_id=self.journey_id)
        (found,) = Findings(self.models.engine, self.models.registry).standing(query)
        return str(found["detail"])

    def flagged(self) -> list[UUID]:
        query = CaseloadQuery(CLINIC, self.clock(), flag=self.flag)
        page = Caseloads(self.models.engine, self.models.registry).page(query)
        return [row["journey_id"] for row in page.journeys]

    def row_flags(self) -> list[str]:
        page = Caseloads(self.models.engine, self.models.registry).page(
            CaseloadQuery(CLINIC, self.clock())
        )
        (row,) = [row for row in page.journeys if row["journey_id"] == self.journey_id]
        return list(row["flags"])

    def status_flags(self) -> list[str]:
        return self.models.app.status(CLINIC, self.journey_id).flags  # now: the clock

    def overdue(self) -> dict[str, bool]:
        """Whether each reading says the duty is overdue now."""
        return {
            "finding": self.findings() == [(self.journey_id, self.rule, "session-1")],
            "caseload filter": self.flagged() == [self.journey_id],
            "caseload row": self.flag in self.row_flags(),
            "status": self.flag in self.status_flags(),
        }

    def do_duty(self, occurred_at: datetime) -> None:
        """The duty, recorded now (the clock) as having happened at ``occurred_at``."""
        s = step(self.duty, occurred_at, session=1)
        posting = Posting(occurred_at, self.clock(), Actor(f"{s.role}-1", s.role), "ehr")
        self.models.app.append(CLINIC, self.journey_id, NewEntry(s.type, s.data), posting)


NONE = {"finding": False, "caseload filter": False, "caseload row": False, "status": False}
ALL = dict.fromkeys(NONE, True)


@pytest.fixture(params=list(DUTIES))
def clinic(request: pytest.FixtureRequest, database_url: str) -> Iterator[Clinic]:
    clock = FixedClock(START)
    models = ReadModels(database_url, new_key(), clock)
    try:
        yield Clinic(models, clock, request.param)
    finally:
        models.close()


def test_an_open_duty_shows_only_once_due_by_the_clock_alone(clinic):
    position = clinic.models.store_position()

    clinic.at(clinic.due - MIN)
    assert clinic.overdue() == NONE

    clinic.at(clinic.due + MIN)
    assert clinic.overdue() == ALL
    assert clinic.models.store_position() == position, "no event was needed"


def test_the_duty_done_on_time_but_recorded_after_the_deadline_clears_every_reading(clinic):
    clinic.at(clinic.due + MIN)
    clinic.do_duty(occurred_at=clinic.due - timedelta(hours=1))
    assert clinic.overdue()["finding"], "the read models answer as of their last projection"

    clinic.models.project_all()

    assert clinic.overdue() == NONE


def test_the_duty_done_late_clears_the_flag_and_the_finding_says_how_late(clinic):
    clinic.at(clinic.due + timedelta(days=1, minutes=1))
    clinic.do_duty(occurred_at=clinic.due + timedelta(days=1))
    clinic.models.project_all()

    assert clinic.overdue() == {**NONE, "finding": True}
    assert "24 h late" in clinic.detail()


def test_at_the_due_instant_every_reading_agrees(clinic):
    clinic.at(clinic.due)

    readings = clinic.overdue()

    assert len(set(readings.values())) == 1, readings
