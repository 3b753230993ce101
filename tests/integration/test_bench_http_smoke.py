"""``python -m bench --http --quick`` runs, and its ratios are honest.

The HTTP benchmark starts real ``kap-journeys serve`` processes on throwaway PostgreSQL
databases and compares their appends with the bare library's saves in the same run. A
rate is only worth reading if every append it counts was really stored: each window's
events are counted in its database and must equal its 201 answers, with nothing
refused. Nothing asserts on a time. PostgreSQL only (the benchmark's subject), so under
CI=true this fails rather than skips without a server.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.http_load import QUICK
from tests.databases import require_postgres
from tests.integration.bench_runs import Ratio, Run, assert_honest, run_bench

pytestmark = [pytest.mark.postgres, pytest.mark.e2e]

HIGH = QUICK.levels[-1]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    require_postgres()
    output = tmp_path_factory.mktemp("bench") / "bench.json"
    done = run_bench(output, "--http", "--quick", timeout=180)
    assert set(done.results) == {"http"}
    return done


@pytest.fixture(scope="module")
def http(run: Run) -> dict[str, Any]:
    results: dict[str, Any] = run.results["http"]
    return results


def windows(http: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {f"bare.{name}": w for name, w in http["bare"].items()}
    for variant, measured in http["variants"].items():
        found |= {f"{variant}.{c}": w for c, w in measured.items() if c.startswith("c")}
    return found


def test_every_variant_is_measured_at_its_concurrencies(http: dict[str, Any]) -> None:
    assert set(windows(http)) == {
        "bare.threads_1",
        f"bare.threads_{HIGH}",
        "bare.threads_1_again",
        *(f"serve.c{c}" for c in QUICK.levels),
        "no_projections.c1",
        *(f"workers_{n}.c{HIGH}" for n in QUICK.workers),
    }
    assert http["variants"]["no_projections"]["args"] == ["--no-projections"]
    expected = {"bare.threads_1": 1, f"bare.threads_{HIGH}": HIGH, "bare.threads_1_again": 1}
    for name, window in windows(http).items():
        concurrency = expected.get(name) or int(name.rsplit(".c", 1)[-1])
        assert window["concurrency"] == concurrency, name


def test_each_window_stored_every_append_it_counts_and_refused_none(
    http: dict[str, Any],
) -> None:
    for name, window in windows(http).items():
        assert window["appends"] > 0, name
        assert window["events_stored"] == window["appends"], name
        assert window.get("refused", {}) == {}, (name, window.get("refused"))
        assert window["p50_ms"] <= window["p99_ms"] <= window["max_ms"], name


def test_a_projecting_server_caught_up_after_each_window(http: dict[str, Any]) -> None:
    for name, window in windows(http).items():
        projects = not name.startswith(("bare.", "no_projections."))
        assert ("projection_catch_up_seconds" in window) == projects, name


def test_every_ratio_divides_two_figures_of_the_same_run(http: dict[str, Any]) -> None:
    rate = "appends_per_second"
    bare_1 = ("bare", "threads_1", rate)
    serve = ("variants", "serve")
    ratios = [
        Ratio(("ratios", f"c{c}_over_bare_1"), (*serve, f"c{c}", rate), bare_1)
        for c in QUICK.levels
    ]
    ratios += [
        Ratio(("ratios", f"bare_{HIGH}_over_bare_1"), ("bare", f"threads_{HIGH}", rate), bare_1),
        Ratio(("ratios", "bare_again_over_bare_1"), ("bare", "threads_1_again", rate), bare_1),
        Ratio(
            ("ratios", "projections_c1_over_no_projections_c1"),
            (*serve, "c1", rate),
            ("variants", "no_projections", "c1", rate),
        ),
    ]
    ratios += [
        Ratio(
            ("ratios", f"workers_{n}_over_workers_1"),
            ("variants", f"workers_{n}", f"c{HIGH}", rate),
            (*serve, f"c{HIGH}", rate),
        )
        for n in QUICK.workers
    ]
    assert_honest(http, ratios)


def test_the_table_prints_the_ratios_and_the_aims(run: Run) -> None:
    assert "HTTP single appends on PostgreSQL" in run.stdout
    for name in run.results["http"]["ratios"]:
        assert name in run.stdout
    assert "aims (issue 12)" in run.stdout
