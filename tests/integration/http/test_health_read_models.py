"""/health tells a degraded read model apart from a down database: it answers 200
``degraded`` while this process's projections do not run, or while some journeys could
not be projected (``dead_letters``), and ``ok`` again once they do and none are left."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from interface.storage.readmodels.tables import CASELOAD
from tests.integration.http.conftest import Api
from tests.integration.readmodels.triggers import (
    REFUSED_REF,
    drop,
    refuse_position_moves,
    refuse_rows_of,
)
from tests.story import intake

Body = dict[str, Any]


def health_once(api: Api, holds: Callable[[Body], bool], within: float = 15.0) -> Body:
    """The first /health body for which ``holds`` is true (polled); each answer is 200."""
    deadline = time.monotonic() + within
    while True:
        answer = api.client.get("/health")
        assert answer.status_code == 200, answer.text
        body: Body = answer.json()
        if holds(body):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def caught_up(body: Body) -> bool:
    return all(p["lag"] == 0 for p in body["projections"].values())


def test_health_is_ok_with_projections_running_and_nothing_skipped(api: Api) -> None:
    api.journey("MRN-1")

    body = health_once(api, caught_up)

    assert body["status"] == "ok"
    assert body["dead_letters"] == 0
    assert {name: p["running"] for name, p in body["projections"].items()} == {
        "caseload": True,
        "findings": True,
    }


def test_a_skipped_journey_makes_health_degraded_with_the_count_until_it_projects(
    api: Api,
) -> None:
    services = api.app.state.services
    table = services.registry.live(CASELOAD).table_name
    trigger = refuse_rows_of(services.engine, table)
    api.journey("MRN-1")
    refused = api.journey(REFUSED_REF)

    skipped = health_once(api, lambda b: caught_up(b) and b["dead_letters"] == 1)
    drop(services.engine, trigger, table)
    api.post_all(refused, intake()[:1])
    cleared = health_once(api, lambda b: caught_up(b) and b["dead_letters"] == 0)

    assert skipped["status"] == "degraded"
    assert all(p["running"] for p in skipped["projections"].values())
    assert cleared["status"] == "ok"


def test_health_says_not_running_while_every_round_fails_and_ok_once_rounds_go_through(
    api: Api,
) -> None:
    api.journey("MRN-1")
    health_once(api, caught_up)
    trigger = refuse_position_moves(api.app.state.services.engine, "caseload")
    api.journey("MRN-2")

    stuck = health_once(api, lambda b: not b["projections"]["caseload"]["running"])
    drop(api.app.state.services.engine, trigger, "read_model_generations")
    recovered = health_once(api, lambda b: b["status"] == "ok" and caught_up(b))

    assert stuck["status"] == "degraded"
    assert stuck["projections"]["caseload"]["lag"] == 1
    assert all(p["running"] for p in recovered["projections"].values())
