"""GET /metrics: Prometheus text for admins, counting requests by route template and
appends by outcome and rule, with the read models' lag, the checkpoint's age and pool
use read as they stand. Parsed with prometheus-client's own parser."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from application.audit.checkpoints import checkpoints_of
from interface.audit.signing import SigningKey
from interface.storage.checkpoints import SqlCheckpointStore
from tests.integration.http.conftest import NO_TOKEN, Api, assert_problem
from tests.integration.signed import new_signing_key
from tests.story import START, dosing_session, intake

EVENTS_ROUTE = "/v1/journeys/{journey_id}/events"
LAG = "kap_projection_lag_events"
READ_MODELS = ("caseload", "findings")


def samples_of(text: str) -> list[Sample]:
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def value_of(text: str, name: str, **labels: str) -> float:
    """The samples called ``name`` whose labels include ``labels``, summed (0 if none)."""
    return sum(s.value for s in samples_of(text) if s.name == name and _has(s.labels, labels))


def has_sample(text: str, name: str, **labels: str) -> bool:
    return any(s.name == name and _has(s.labels, labels) for s in samples_of(text))


def _has(found: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    return all(found.get(k) == v for k, v in wanted.items())


def scrape(api: Api) -> str:
    answer = api.client.get("/metrics", headers=api.headers(api.tokens["admin"]))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return answer.text


def refused_dose(api: Api, journey_id: str) -> str:
    """Post a dose the journey is not ready for; the rule that refused it."""
    answer = api.post(journey_id, dosing_session(1, START + timedelta(days=10))[1])
    return str(assert_problem(answer, 409, "protocol_violation")["rule"])


def test_metrics_need_an_admin_token(shared_api: Api):
    api = shared_api
    assert_problem(api.client.get("/metrics", headers=api.headers(NO_TOKEN)), 401)
    for role in ("clinic_system", "staff", "auditor"):
        answer = api.client.get("/metrics", headers=api.headers(api.tokens[role]))
        assert_problem(answer, 403, "forbidden")
    assert scrape(api)


def test_an_append_and_a_refused_append_are_counted_with_the_refusing_rule(api: Api):
    journey_id = api.journey()
    before = scrape(api)

    api.post_all(journey_id, intake()[:1])
    rule = refused_dose(api, journey_id)
    after = scrape(api)

    def grew(name: str, **labels: str) -> float:
        return value_of(after, name, **labels) - value_of(before, name, **labels)

    assert rule.startswith("J-")
    assert grew("kap_appends_total", outcome="stored", via="single") == 1
    assert grew("kap_appends_total", outcome="refused", rule=rule, via="single") == 1
    posts = {"method": "POST", "route": EVENTS_ROUTE}
    assert grew("kap_http_requests_total", status="201", **posts) == 1
    assert grew("kap_http_requests_total", status="409", **posts) == 1
    assert grew("kap_http_request_duration_seconds_count", **posts) == 2


def test_an_invalid_event_and_a_replay_are_counted_apart(api: Api):
    journey_id = api.journey()
    first = intake()[0]
    before = scrape(api)

    api.post(journey_id, first, idempotency_key="once")
    assert api.post(journey_id, first, idempotency_key="once").status_code == 200
    bad = {**first.envelope(), "data": {"nonsense": True}}
    assert_problem(api.post(journey_id, bad), 422)
    after = scrape(api)

    for outcome in ("stored", "replayed", "invalid"):
        grew = value_of(after, "kap_appends_total", outcome=outcome) - value_of(
            before, "kap_appends_total", outcome=outcome
        )
        assert grew == 1, outcome


def test_a_batch_counts_each_event_by_its_outcome(api: Api):
    journey_id = api.journey()
    malformed = {**intake()[1].envelope(), "data": {"nonsense": True}}
    events = [
        {"journey_id": journey_id, **intake()[0].envelope()},
        {"journey_id": journey_id, **malformed},
        {"journey_id": journey_id, **intake()[2].envelope()},
    ]
    api.clock.now = START + timedelta(days=30)  # every event in the past
    before = scrape(api)

    answer = api.client.post(
        "/v1/journeys/events:batch", json={"events": events}, headers=api.headers()
    )
    after = scrape(api)

    assert [r["status"] for r in answer.json()["results"]] == [201, 422, 409]
    for outcome in ("stored", "invalid", "skipped"):
        grew = value_of(after, "kap_appends_total", outcome=outcome, via="batch")
        assert grew - value_of(before, "kap_appends_total", outcome=outcome, via="batch") == 1


def test_route_labels_are_templates_never_ids_or_paths(api: Api):
    journey_id = api.journey()
    api.status(journey_id)
    api.client.get("/no/such/MRN-0042", headers=api.headers())

    text = scrape(api)

    routes = {s.labels["route"] for s in samples_of(text) if "route" in s.labels}
    assert "/v1/journeys/{journey_id}" in routes
    assert "unmatched" in routes
    assert not any(journey_id in str(s.labels) or "MRN" in str(s.labels) for s in samples_of(text))


def caught_up(api: Api) -> str:
    """A scrape once both read models have projected the whole log (within 10 s)."""
    deadline = time.monotonic() + 10
    while True:
        text = scrape(api)
        lags = [value_of(text, LAG, read_model=name) for name in READ_MODELS]
        if all(has_sample(text, LAG, read_model=n) for n in READ_MODELS) and lags == [0, 0]:
            return text
        assert time.monotonic() < deadline, text
        time.sleep(0.05)


def test_read_model_positions_and_lag_follow_the_log(api: Api):
    journey_id = api.journey()
    api.post_all(journey_id, intake()[:1])
    before = caught_up(api)
    api.app.state.services.projections.stop()  # the read models stop where they are

    api.post_all(journey_id, intake()[1:2])
    after = scrape(api)

    store = value_of(before, "kap_store_position")
    assert value_of(before, "kap_database_read") == 1
    assert value_of(after, "kap_store_position") == store + 1
    for name in READ_MODELS:
        assert value_of(before, "kap_projection_position", read_model=name) == store
        assert value_of(after, "kap_projection_position", read_model=name) == store
        assert value_of(after, LAG, read_model=name) == 1


def test_pool_use_is_reported_for_both_pools(api: Api):
    api.post_all(api.journey(), intake()[:1])

    text = scrape(api)

    for pool in ("sql", "event_store"):
        assert value_of(text, "kap_db_pool_connections_max", pool=pool) >= 1
        assert value_of(text, "kap_db_pool_connections_open", pool=pool) >= value_of(
            text, "kap_db_pool_connections_in_use", pool=pool
        )


def test_the_checkpoint_age_appears_once_a_checkpoint_is_signed(api: Api):
    api.post_all(api.journey(), intake()[:1])
    assert not has_sample(scrape(api), "kap_checkpoint_age_seconds")
    services = api.app.state.services
    signer = SigningKey.parse(new_signing_key())
    checkpoints_of(
        lambda: services.journeys, SqlCheckpointStore(services.engine), signer, clock=api.clock
    ).create()

    api.clock.now += timedelta(minutes=7)
    text = scrape(api)

    assert value_of(text, "kap_checkpoint_age_seconds") == pytest.approx(420, abs=1)
    assert value_of(text, "kap_checkpoint_unsigned_events") == 0
