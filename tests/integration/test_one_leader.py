"""One process at a time runs the projections and signs the periodic checkpoint: each is
a PostgreSQL advisory lock on a session of its own, taken by one, taken over by another
once the first lets go (or its session ends). On SQLite the one process leads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest

from interface.audit.periodic import start_periodic_checkpoints
from interface.storage.leader import (
    CHECKPOINTS,
    LOCK_SPACE,
    PROJECTIONS,
    AdvisoryLockLeadership,
    Duty,
    SoleLeadership,
    leadership_for,
)
from tests.databases import throwaway_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def database() -> Iterator[str]:
    with throwaway_postgres() as url:
        yield url


def holders(database_url: str, duty: Duty) -> list[str]:
    """The ``application_name`` of every session holding the duty's lock (pg_locks)."""
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (LOCK_SPACE, duty.key),
        ).fetchall()
    return [row[0] for row in rows]


def until(holds: Callable[[], bool], within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not holds():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def test_one_of_two_processes_holds_the_projector_lock_and_the_other_takes_it_once_freed(
    database,
):
    first = AdvisoryLockLeadership(database, PROJECTIONS)
    second = AdvisoryLockLeadership(database, PROJECTIONS)
    try:
        assert (first.hold(), second.hold()) == (True, False)
        assert (first.hold(), second.hold()) == (True, False), "held until let go"
        assert len(holders(database, PROJECTIONS)) == 1

        first.release()

        assert second.hold()
        assert not first.hold()
        assert len(holders(database, PROJECTIONS)) == 1
    finally:
        first.release()
        second.release()
    assert holders(database, PROJECTIONS) == []


def test_the_holder_is_named_in_pg_stat_activity_by_duty_and_pid(database):
    leader = AdvisoryLockLeadership(database, PROJECTIONS)
    try:
        assert leader.hold()
        (name,) = holders(database, PROJECTIONS)
    finally:
        leader.release()
    assert name.startswith("kap-journeys projections pid ")


def test_the_projections_and_the_checkpoint_are_locks_of_their_own(database):
    projector = AdvisoryLockLeadership(database, PROJECTIONS)
    signer = AdvisoryLockLeadership(database, CHECKPOINTS)
    try:
        assert projector.hold()
        assert signer.hold()
        assert len(holders(database, PROJECTIONS)) == len(holders(database, CHECKPOINTS)) == 1
    finally:
        projector.release()
        signer.release()


def test_a_holder_whose_session_ends_leads_no_more_and_another_takes_over(database):
    first = AdvisoryLockLeadership(database, PROJECTIONS)
    second = AdvisoryLockLeadership(database, PROJECTIONS)
    try:
        assert first.hold()
        with psycopg.connect(database, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name LIKE 'kap-journeys projections%'"
            )
        with pytest.raises(psycopg.Error):
            first.hold()  # says so, and is no longer the leader

        until(second.hold)
        assert not first.hold(), "back, but the lock is taken"
    finally:
        first.release()
        second.release()


def test_a_database_that_is_not_there_is_an_error_not_leadership():
    away = AdvisoryLockLeadership("postgresql://postgres@127.0.0.1:1/kap", PROJECTIONS)
    with pytest.raises(psycopg.Error):
        away.hold()


def test_on_sqlite_the_one_process_leads(tmp_path):
    leadership = leadership_for(f"sqlite:///{tmp_path / 'kap.db'}", PROJECTIONS)
    assert isinstance(leadership, SoleLeadership)
    assert leadership.hold()


class CountedCheckpoints:
    """A checkpoint service that counts what it is asked to sign."""

    def __init__(self) -> None:
        self.created = 0
        self.lock = threading.Lock()

    def create(self) -> None:
        with self.lock:
            self.created += 1


def test_the_periodic_checkpoint_runs_in_one_process_and_another_takes_over_when_it_stops(
    database,
):
    first, second = CountedCheckpoints(), CountedCheckpoints()
    first_lock = AdvisoryLockLeadership(database, CHECKPOINTS)
    stop_first = start_periodic_checkpoints(first, 0.05, leadership=first_lock)
    until(lambda: first.created > 0)
    stop_second = start_periodic_checkpoints(
        second, 0.05, leadership=AdvisoryLockLeadership(database, CHECKPOINTS)
    )
    try:
        until(lambda: first.created > 20)
        assert second.created == 0, "one process at a time"

        stop_first.set()  # its lock goes with it
        until(lambda: second.created > 0)
        stopped_at = first.created
        until(lambda: second.created > 5)
        assert first.created == stopped_at
        assert len(holders(database, CHECKPOINTS)) == 1
    finally:
        stop_first.set()
        stop_second.set()
    assert holders(database, CHECKPOINTS) == []
