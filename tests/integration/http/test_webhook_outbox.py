"""The outbox holds each stored event once per endpoint, however many feeders race and
however often one restarts (its position is written with its rows)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from application.journeys import utc_now
from application.webhooks_outbox import OutboxFeeder
from interface.storage.webhooks import SqlWebhookStore
from interface.storage.webhooks_outbox import SqlOutbox
from interface.storage.webhooks_tables import deliveries
from tests.integration.http.conftest import Api
from tests.integration.http.test_webhooks_over_http import fast_settings, register, webhook_api
from tests.story import intake


def feeder_of(api: Api, batch_size: int = 2) -> OutboxFeeder:
    services = api.app.state.services
    store = services.webhooks.store
    assert isinstance(store, SqlWebhookStore)
    return OutboxFeeder(services.journeys, SqlOutbox(store, utc_now), batch_size=batch_size)


def queued_positions(api: Api) -> list[int]:
    with api.app.state.services.engine.connect() as connection:
        return list(
            connection.execute(select(deliveries.c.position).order_by("position")).scalars()
        )


def test_racing_feeders_and_a_restarted_one_queue_each_event_once(database_url: str) -> None:
    with webhook_api(fast_settings(database_url, run_webhooks=False)) as api:
        first = feeder_of(api)
        first.feed()  # the first run only finds where to stand
        register(api, "https://ehr.example.org/all")
        register(api, "https://ehr.example.org/consent", ["ConsentSigned"])
        for patient in ("MRN-1", "MRN-2", "MRN-3"):
            api.post_all(api.journey(patient), intake())
        events = 3 * (1 + len(intake()))
        racers = [feeder_of(api) for _ in range(3)]
        threads = [threading.Thread(target=r.catch_up) for r in racers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        positions = queued_positions(api)
        assert len(positions) == events + 3  # every event, and each consent once more
        assert len(set(positions)) == events
        assert feeder_of(api).catch_up() == 0  # a restart finds nothing left to do
        assert queued_positions(api) == positions


def test_a_stale_feeder_writes_nothing(database_url: str) -> None:
    with webhook_api(fast_settings(database_url, run_webhooks=False)) as api:
        feeder = feeder_of(api)
        feeder.feed()
        register(api, "https://ehr.example.org/all")
        api.journey()
        outbox = feeder.outbox
        since = outbox.feed_position()
        assert since is not None
        assert feeder.feed() == 1
        assert not outbox.advance(since, since + 1, [])  # moved on already
        with api.app.state.services.engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(deliveries)).scalar() == 1


def test_without_endpoints_the_feeder_stands_still_and_a_later_one_hears_only_its_own(
    database_url: str,
) -> None:
    with webhook_api(fast_settings(database_url, run_webhooks=False)) as api:
        feeder = feeder_of(api)
        feeder.feed()  # the first run finds where to stand
        start = feeder.outbox.feed_position()
        api.post_all(api.journey("MRN-1"), intake())
        assert feeder.catch_up() == 0  # nobody to tell: nothing read, nothing moved
        assert feeder.outbox.feed_position() == start

        register(api, "https://ehr.example.org/all")
        registered_at = api.app.state.services.journeys.log_position()
        api.journey("MRN-2")

        assert feeder.catch_up() > 0
        assert queued_positions(api) == [registered_at + 1]  # not the events before it
