"""Hot paths read each thing once (issue 9): an idempotent retry loads the journey once
(not three times) and a correction reads the entries it needs, not the whole stream twice.

Reads are counted where they reach the store: each ``select_events`` call on the events'
and the snapshots' recorders, and the rows it returns.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from application.answers import NewEntry
from application.errors import EntryNotFoundError, IdempotencyKeyReusedError
from application.journeys import SNAPSHOT_EVERY, Journeys
from tests.integration.journeys_app import CLINIC, build_app, new_key, open_journey, post, posting
from tests.story import START, Step, dosing_session, intake, session_days

BASELINE = 3
"""Open (1), consultation (2), baseline PHQ-9 (3)."""


@dataclass
class Reads:
    calls: int = 0
    rows: int = 0
    of: list[str] = field(default_factory=list)

    @property
    def loads(self) -> int:
        """Journeys loaded: each load asks the snapshots first."""
        return sum(1 for read in self.of if read.startswith("snapshots:"))


@contextmanager
def counted(app: Journeys) -> Iterator[Reads]:
    reads = Reads()
    recorders: list[tuple[str, Any]] = [("events", app.recorder)]
    if app.snapshots is not None:
        recorders.append(("snapshots", app.snapshots.recorder))
    originals = []
    for name, recorder in recorders:
        original = recorder.select_events

        def select_events(*args: Any, _original: Any = original, _name: str = name, **kw: Any):
            rows = list(_original(*args, **kw))
            reads.calls += 1
            reads.rows += len(rows)
            reads.of.append(f"{_name}:{len(rows)}")
            return rows

        originals.append((recorder, original))
        recorder.select_events = select_events
    try:
        yield reads
    finally:
        for recorder, original in originals:
            recorder.select_events = original


def long_journey(app: Journeys, sessions: int) -> Any:
    journey_id = open_journey(app)
    steps = intake()
    for n, day in enumerate(session_days(START + timedelta(days=5), sessions), start=1):
        steps += dosing_session(n, day)
    for s in steps:
        post(app, journey_id, s)
    return journey_id


def correction(version: int, changes: dict[str, Any], hours: int = 1) -> Step:
    at = START + timedelta(days=30, hours=hours)
    return Step(
        "EntryCorrected",
        at,
        {"corrects_version": version, "reason": "Keyed wrong.", "data": changes},
        "therapist",
    )


@pytest.fixture
def app(database_url):
    app = build_app(database_url, new_key())
    yield app
    app.close()


def test_an_idempotent_retry_of_the_last_entry_reads_the_journey_once(app):
    journey_id = long_journey(app, 2)
    step = dosing_session(3, START + timedelta(days=20))[0]
    first = post(app, journey_id, step, key="retry-1")

    with counted(app) as reads:
        again = post(app, journey_id, step, key="retry-1")

    assert again.replayed
    assert (again.version, again.position, again.stage) == (
        first.version,
        first.position,
        first.stage,
    )
    # Before: the journey loaded three times and its entry read twice (8 reads).
    assert reads.loads == 1, reads.of
    assert reads.calls == 3, reads.of  # the journey (snapshot, entries), the entry


def test_an_idempotent_retry_of_an_older_entry_reads_each_thing_once(app):
    journey_id = open_journey(app)
    steps = intake()
    first = post(app, journey_id, steps[0], key="retry-2")
    for s in steps[1:]:
        post(app, journey_id, s)

    with counted(app) as reads:
        again = post(app, journey_id, steps[0], key="retry-2")

    assert again.replayed
    assert (again.version, again.position, again.stage) == (
        first.version,
        first.position,
        first.stage,
    )
    # Before: three loads and the entry read twice (8 reads); the journey as it stood
    # then is the one second load a retry of an older entry needs.
    assert reads.loads == 2, reads.of
    assert reads.calls == 5, reads.of


def test_a_reused_key_is_still_refused(app):
    journey_id = open_journey(app)
    steps = intake()
    post(app, journey_id, steps[0], key="retry-3")

    with pytest.raises(IdempotencyKeyReusedError):
        post(app, journey_id, steps[1], key="retry-3")


def test_a_correction_does_not_read_the_whole_stream(app):
    journey_id = long_journey(app, 5)  # 31 entries, past the first snapshot
    version = app.status(CLINIC, journey_id).version
    assert version > SNAPSHOT_EVERY
    post(app, journey_id, correction(BASELINE, {"items": [3, 3, 3, 3, 3, 3, 3, 3, 0]}))

    with counted(app) as reads:
        post(app, journey_id, correction(BASELINE, {"timepoint": "baseline"}, hours=2))

    # Before: the whole stream (version + 1 rows) read again after the journey's load.
    assert reads.loads == 1, reads.of
    assert reads.rows < version - SNAPSHOT_EVERY + 5, reads.of
    assert app.status(CLINIC, journey_id).outcomes["PHQ-9"].baseline == 24
    assert app.entry(CLINIC, journey_id, BASELINE).data["items"] == [3, 3, 3, 3, 3, 3, 3, 3, 0]


def test_the_effective_entry_takes_the_latest_correction_and_the_original_times(app):
    journey_id = open_journey(app)
    for s in intake():
        post(app, journey_id, s)
    original = app.entry(CLINIC, journey_id, BASELINE)
    post(app, journey_id, correction(BASELINE, {"items": [3, 3, 3, 3, 3, 3, 3, 3, 0]}))
    post(app, journey_id, correction(BASELINE, {"items": [1, 1, 1, 1, 1, 1, 1, 1, 0]}, 2))

    entry = app.entry(CLINIC, journey_id, BASELINE)

    assert entry.data["items"] == [1, 1, 1, 1, 1, 1, 1, 1, 0]
    assert (entry.type, entry.occurred_at, entry.recorded_at) == (
        original.type,
        original.occurred_at,
        original.recorded_at,
    )
    assert app.entry(CLINIC, journey_id, BASELINE + 1).data == intake()[2].data


@pytest.mark.parametrize("version", [0, 9])
def test_an_entry_beyond_the_journey_is_not_found(app, version):
    journey_id = open_journey(app)
    for s in intake():
        post(app, journey_id, s)  # versions 1 to 6

    with pytest.raises(EntryNotFoundError):
        app.entry(CLINIC, journey_id, version)
    with pytest.raises(EntryNotFoundError):
        app.append(
            CLINIC,
            journey_id,
            NewEntry("EntryCorrected", correction(version, {"timepoint": "baseline"}).data),
            posting(START + timedelta(days=30)),
        )
