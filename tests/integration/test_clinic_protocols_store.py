"""Clinic protocol versions on a real database (SQLite and PostgreSQL): they replay in a
fresh process, and a journey keeps the version it opened under when a newer one lands."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from application.clinic_protocols import clinic_protocols, publish_clinic_protocol
from application.clinics import Clinics
from application.journeys import Journeys
from domain.clinic_protocols import ParameterChange
from interface.storage.environment import clinic_recorder, store_environment
from tests.integration.journeys_app import CLINIC, FixedClock, new_key, open_journey
from tests.story import START

ADVISORY = {"fasting_rule": "advisory", "max_mg_per_kg_injected": 1.0}


class Worker:
    """One process's Journeys and Clinics on the shared database."""

    def __init__(self, database_url: str, key: str) -> None:
        clock = FixedClock(START)
        self.journeys = Journeys(env=store_environment(database_url, key), clock=clock)
        self.clinics = Clinics(
            env=store_environment(database_url, key),
            clock=clock,
            recorder=clinic_recorder(self.journeys.recorder),
        )
        self.journeys.clinic_context = self.clinics.context

    def close(self) -> None:
        self.journeys.close()
        self.clinics.close()


@pytest.fixture
def key() -> str:
    return new_key()


@pytest.fixture
def workers(database_url: str, key: str) -> Iterator[list[Worker]]:
    started = [Worker(database_url, key), Worker(database_url, key)]
    yield started
    for worker in started:
        worker.close()


def test_versions_replay_in_a_fresh_process_with_their_diffs(workers):
    first, second = workers
    publish_clinic_protocol(first.clinics, CLINIC, "denver-kap", "kap-standard", ADVISORY, "ops")
    publish_clinic_protocol(
        first.clinics, CLINIC, "denver-kap", "kap-standard", {"series_length": 4}, "ops"
    )

    replayed = clinic_protocols(second.clinics, CLINIC)

    assert replayed == clinic_protocols(first.clinics, CLINIC)
    assert [(v.version, v.published_by) for v in replayed] == [
        (f"{CLINIC}-1", "ops"),
        (f"{CLINIC}-2", "ops"),
    ]
    assert replayed[1].diff == [ParameterChange("series_length", 6, 4)]
    assert second.clinics.context(CLINIC).protocols["denver-kap"].series_length == 4


def test_a_journey_keeps_its_version_when_a_newer_one_is_published(workers):
    first, second = workers
    publish_clinic_protocol(first.clinics, CLINIC, "denver-kap", "kap-standard", ADVISORY, "ops")
    before = open_journey(first.journeys, "MRN-1", protocol="denver-kap")
    publish_clinic_protocol(
        first.clinics, CLINIC, "denver-kap", "kap-standard", {"min_observation_minutes": 90}, "ops"
    )
    after = open_journey(second.journeys, "MRN-2", protocol="denver-kap")
    later = START + timedelta(days=1)

    old, new = (second.journeys.status(CLINIC, j, now=later) for j in (before, after))

    assert (old.protocol_name, old.protocol_version) == ("denver-kap", f"{CLINIC}-1")
    assert (new.protocol_name, new.protocol_version) == ("denver-kap", f"{CLINIC}-2")


class RacedClinics(Clinics):
    """Clinics where another admin publishes the same name just before each first save."""

    name = Clinics.name  # the same store (the library names a subclass's tables anew)
    rival: Clinics

    def publish_protocol(self, clinic_id: str, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, "rival", None) is not None:
            rival, self.rival = self.rival, None  # type: ignore[assignment]
            publish_clinic_protocol(rival, clinic_id, "denver-kap", "kap-standard", {}, "rival")
        return super().publish_protocol(clinic_id, *args, **kwargs)


def test_two_admins_publishing_the_same_name_at_once_get_two_versions(database_url, key, workers):
    rival = workers[0].clinics
    raced = RacedClinics(
        env=store_environment(database_url, key),
        recorder=clinic_recorder(workers[0].journeys.recorder),
    )
    raced.rival = rival
    try:
        ours = publish_clinic_protocol(raced, CLINIC, "denver-kap", "kap-standard", ADVISORY, "ops")
    finally:
        raced.close()

    versions = clinic_protocols(rival, CLINIC)
    assert [(v.version, v.published_by) for v in versions] == [
        (f"{CLINIC}-1", "rival"),
        (f"{CLINIC}-2", "ops"),
    ]
    assert ours == versions[1]
