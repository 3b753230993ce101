"""Each store answers the application's ``JourneyLog`` questions alike: in memory, SQLite
and PostgreSQL, on the same story, including the bounds of every range and page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from application import in_memory_log
from application.journey_log import HEADER_BYTES, SEAL_MAGICS
from application.journeys import Journeys
from interface.storage import postgres, sqlite
from tests.databases import throwaway_postgres
from tests.integration.journeys_app import FixedClock, build_app, new_key, open_journey, post
from tests.story import START, intake


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Journeys]:
    """The same journey log in memory, in SQLite and in PostgreSQL."""
    if request.param == "postgres":
        with throwaway_postgres() as url:
            journeys = build_app(url, new_key())
            yield journeys
            journeys.close()
        return
    if request.param == "memory":
        journeys = Journeys(env={"CIPHER_KEY": new_key()}, clock=FixedClock(START))
    else:
        journeys = build_app(f"sqlite:///{tmp_path / 'kap.db'}", new_key())
    yield journeys
    journeys.close()


def story(app: Journeys) -> tuple[UUID, UUID]:
    """Two journeys, their entries interleaved: positions 1..8."""
    first = open_journey(app, "MRN-1")
    second = open_journey(app, "MRN-2")
    steps = intake()
    for s in steps[:3]:
        post(app, first, s)
        post(app, second, s)
    return first, second


def test_an_empty_log_is_at_position_zero(app):
    assert app.log_position() == 0
    assert app.journey_log.latest_versions(0) == []
    assert list(app.journey_log.header_rows(0, 0)) == []
    assert app.journey_log.positions_of(UUID(int=1)) == {}


def test_positions_and_latest_versions(app):
    first, second = story(app)
    log = app.journey_log
    assert app.log_position() == 8
    assert log.positions_of(first) == {1: 1, 2: 3, 3: 5, 4: 7}
    assert log.positions_of(second) == {1: 2, 2: 4, 3: 6, 4: 8}
    ordered = sorted([first, second])
    assert log.latest_versions(8) == [(ordered[0], 4), (ordered[1], 4)]
    assert log.latest_versions(99) == log.latest_versions(8)
    assert log.latest_versions(5) == sorted([(first, 3), (second, 2)])
    assert log.latest_versions(1) == [(first, 1)]
    assert log.latest_versions(0) == []


@pytest.mark.parametrize(("after", "upto"), [(0, 8), (0, 99), (2, 5), (5, 5), (7, 8), (8, 9)])
def test_rows_cover_exactly_after_to_upto_in_log_order(app, after, upto):
    first, second = story(app)
    expected = [
        (position, first if position % 2 else second, (position + 1) // 2)
        for position in range(after + 1, min(upto, 8) + 1)
    ]
    heads = list(app.journey_log.header_rows(after, upto))
    wholes = list(app.journey_log.whole_rows(after, upto))
    assert [(h.position, h.journey_id, h.version) for h in heads] == expected
    assert [(w.position, w.journey_id, w.version) for w in wholes] == expected
    for head, whole in zip(heads, wholes, strict=True):
        assert head.head == whole.state[:HEADER_BYTES]
        assert whole.state[:8] in SEAL_MAGICS
        assert head.unsealed_state is None
        assert whole.topic.startswith("domain.journey:Journey.")


@pytest.mark.parametrize("page", [1, 2, 3, 8])
def test_paging_neither_skips_nor_repeats_a_row(app, monkeypatch, page):
    story(app)
    monkeypatch.setattr(sqlite, "PAGE", page)
    monkeypatch.setattr(postgres, "PAGE", page)
    assert [h.position for h in app.journey_log.header_rows(1, 7)] == list(range(2, 8))
    assert [w.position for w in app.journey_log.whole_rows(0, 8)] == list(range(1, 9))


def test_each_store_is_chosen_by_its_persistence_module(app):
    recorder = type(app.recorder)
    assert recorder in (
        in_memory_log.InMemoryJourneyLog,
        sqlite.SQLiteJourneyLog,
        postgres.PostgresJourneyLog,
    )
