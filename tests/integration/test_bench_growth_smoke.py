"""``python -m bench --growth --quick`` writes two small stores, appends in each, and its
ratios divide figures of the same run. PostgreSQL only (the benchmark's subject), so
under CI=true this fails rather than skips without a server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.databases import require_postgres
from tests.integration.bench_runs import Ratio, assert_honest, run_bench

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def growth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_postgres()
    output = tmp_path_factory.mktemp("bench") / "bench.json"
    run = run_bench(output, "--growth", "--quick", timeout=120)
    assert set(run.results) == {"append_growth"}
    results: dict[str, Any] = run.results["append_growth"]
    return results


def test_each_store_holds_what_was_written_and_every_append_was_stored(
    growth: dict[str, Any],
) -> None:
    small, big = growth["sizes"]
    assert 0 < small < big
    for size in (small, big):
        found = growth["at"][str(size)]
        assert found["events_in_store"] == found["generate"]["events"] == size
        appended = found["append"]
        for name, stored in appended["events_stored"].items():
            assert stored == appended["events"], (size, name)


def test_every_ratio_divides_two_figures_of_the_same_run(growth: dict[str, Any]) -> None:
    small, big = (str(size) for size in growth["sizes"])
    ratios = [
        Ratio(
            ("ratios", f"{name}_big_over_small"),
            ("at", big, "append", "events_per_second", key),
            ("at", small, "append", "events_per_second", key),
        )
        for name, key in (("journeys", "journeys"), ("bare", "bare_save"))
    ]
    for size in (small, big):
        here = ("at", size, "append")
        rates = (*here, "events_per_second")
        ratios += [
            Ratio(
                (*here, "ratios", "journeys_over_bare"), (*rates, "journeys"), (*rates, "bare_save")
            ),
            Ratio(
                (*here, "ratios", "journeys_over_raw"),
                (*rates, "journeys"),
                (*rates, "raw_psycopg"),
            ),
            Ratio(
                (*here, "ratios", "bare_over_raw"), (*rates, "bare_save"), (*rates, "raw_psycopg")
            ),
        ]
    assert_honest(growth, ratios)


def test_the_aim_is_judged_from_the_ratio(growth: dict[str, Any]) -> None:
    ratio = growth["ratios"]["journeys_big_over_small"]
    [verdict] = growth["aims"].values()
    assert verdict == ("met" if 1 / 1.5 <= ratio <= 1.5 else "MISSED")
