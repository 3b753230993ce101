"""``latest_versions`` a page at a time: each store pages by journey id alike, at and
on either side of a page's boundary, so a rebuild holds one page of journeys at once."""

from __future__ import annotations

from application.journey_log import each_latest_version
from tests.integration.test_journey_log import app, story

__all__ = ["app"]  # the fixture: the same log in memory, SQLite and PostgreSQL


def test_a_page_ends_after_its_limit_and_the_next_starts_above_its_last_id(app):
    first, second = sorted(story(app))
    log = app.journey_log

    assert log.latest_versions(8, limit=1) == [(first, 4)]
    assert log.latest_versions(8, after=first, limit=1) == [(second, 4)]
    assert log.latest_versions(8, after=second, limit=1) == []
    assert log.latest_versions(8, after=first) == [(second, 4)]
    assert log.latest_versions(8, limit=2) == log.latest_versions(8)


def test_pages_one_below_at_and_one_above_the_number_of_journeys(app):
    first, second = sorted(story(app))
    log = app.journey_log

    assert list(each_latest_version(log, 8, page=1)) == [[(first, 4)], [(second, 4)]]
    assert list(each_latest_version(log, 8, page=2)) == [[(first, 4), (second, 4)]]
    assert list(each_latest_version(log, 8, page=3)) == [[(first, 4), (second, 4)]]
    assert list(each_latest_version(log, 0, page=1)) == []


def test_pages_stop_at_the_position_asked(app):
    story(app)
    log = app.journey_log

    assert [p for page in each_latest_version(log, 5, page=1) for p in page] == (
        log.latest_versions(5)
    )


def test_journeys_are_counted_up_to_a_position(app):
    story(app)
    log = app.journey_log

    assert [log.journey_count(n) for n in (0, 1, 2, 8, 99)] == [0, 1, 2, 2, 2]
