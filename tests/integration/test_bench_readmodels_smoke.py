"""``python -m bench --readmodels --quick`` runs on a tiny store, and its ratios are honest.

The rebuilds are compared with loops that only read the log (raw psycopg, the library's
paging) and with the live projector, all in the same run. Those ratios are only worth
reading if every baseline read the whole store and every rebuild projected every
journey: both are checked here against the store's own count. The rebuild needs
PostgreSQL, so under CI=true this fails rather than skips without a server; the
caseload query is also timed on SQLite in the same run.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.databases import require_postgres
from tests.integration.bench_runs import Ratio, assert_honest, run_bench

SHAPES = ("caseload", "findings")
BASELINES = ("raw_psycopg", "select_notifications")

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def readmodels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_postgres()
    output = tmp_path_factory.mktemp("bench") / "bench.json"
    run = run_bench(output, "--readmodels", "--quick", timeout=60)
    assert set(run.results) == {"readmodels"}
    results: dict[str, Any] = run.results["readmodels"]
    return results


def test_the_quick_run_builds_a_small_store_and_queries_both_databases(
    readmodels: dict[str, Any],
) -> None:
    assert 0 < readmodels["events"] <= 1000
    assert readmodels["events_in_store"] == readmodels["generate"]["events"] == readmodels["events"]
    assert set(readmodels["caseload_query"]) == {"postgres", "sqlite"}
    for kind, found in readmodels["caseload_query"].items():
        assert all(int(size) <= 1000 for size in found["sizes"]), kind


def test_every_ratio_divides_two_figures_of_the_same_run(readmodels: dict[str, Any]) -> None:
    r = ("rebuild",)
    ratios = []
    for shape in SHAPES:
        rate = (*r, "rebuild", shape, "events_per_second")
        for baseline in BASELINES:
            ratios.append(
                Ratio(
                    (*r, "ratios", f"{shape}_over_{baseline}"),
                    rate,
                    (*r, "baselines", baseline, "events_per_second"),
                )
            )
        ratios += [
            Ratio(
                (*r, "ratios", f"{shape}_over_live_catch_up"),
                rate,
                (*r, "live_catch_up", shape, "events_per_second"),
            ),
            Ratio(
                (*r, "ratios", f"live_{shape}_over_decode_every_event"),
                (*r, "live_catch_up", shape, "events_per_second"),
                (*r, "baselines", "decode_every_event", "events_per_second"),
            ),
            Ratio(
                (*r, "ratios", f"{shape}_peak_rss_full_over_small"),
                (*r, "rebuild", shape, "peak_rss_mb"),
                (*r, "rebuild_small", shape, "peak_rss_mb"),
            ),
        ]
    ratios.append(
        Ratio(
            (*r, "ratios", "live_caseload_over_no_states_kept"),
            (*r, "live_catch_up", "caseload", "events_per_second"),
            (*r, "live_catch_up", "caseload, no states kept", "events_per_second"),
        )
    )
    for name in readmodels["rebuild"]["what_if_caseload"]:
        ratios.append(
            Ratio(
                (*r, "what_if_caseload", name, "over_rebuild"),
                (*r, "what_if_caseload", name, "events_per_second"),
                (*r, "rebuild", "caseload", "events_per_second"),
            )
        )
    assert_honest(readmodels, ratios)


def test_every_baseline_read_the_whole_store(readmodels: dict[str, Any]) -> None:
    events = readmodels["events_in_store"]
    baselines = readmodels["rebuild"]["baselines"]
    for name in BASELINES:
        found = baselines[name]
        assert found["all_events"] == [events] * len(found["all_events"]), name
        assert found["events_per_second"] == pytest.approx(events / found["seconds"], rel=1e-9)
    decoded = baselines["decode_every_event"]
    assert decoded["events"] == decoded["decoded"] == events


def test_every_rebuild_projected_every_journey_of_the_store(readmodels: dict[str, Any]) -> None:
    events, journeys = readmodels["events_in_store"], readmodels["generate"]["journeys"]
    rebuild = readmodels["rebuild"]
    runs = [*rebuild["rebuild"].values(), *rebuild["what_if_caseload"].values()]
    for found in runs:
        assert found["end"] == events, found["mode"]
        assert found["projected"] == journeys, found["mode"]
        assert found["events_per_second"] == pytest.approx(events / found["seconds"], rel=1e-9)
    assert rebuild["rebuild"]["caseload"]["rows"] == journeys  # one row per journey
    for name, found in rebuild["what_if_caseload"].items():
        assert found["differing_rows"] == 0, name
    for shape, found in rebuild["live_catch_up"].items():
        assert found["projected"] == found["end"] > 0, shape  # every event of the slice
    for shape, found in rebuild["rebuild_small"].items():
        assert 0 < found["projected"] <= journeys, shape
