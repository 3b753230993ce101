"""The quick benchmark runs, and every ratio it prints divides figures of the same run.

Each baseline must also have done the work it is compared with: the bare library's
loads loaded as many events as the journey's, and every writer's events are read back
from the store it wrote them to. A baseline made a no-op fails here. The figures
themselves are read by people, not tests: nothing here asserts on a time.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.databases import require_postgres
from tests.integration.bench_runs import Ratio, assert_honest, at, run_bench

LOADS = ("small", "big", "typical", "worst", "big_all_events", "bare_big")
LOADED = {  # each timed load, and the journey (of ``events``) it loads
    "small": "small",
    "big": "big",
    "typical": "typical",
    "worst": "worst",
    "big_all_events": "big",
    "bare_big": "big",
}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def quick(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``python -m bench --quick`` on SQLite alone, or on SQLite and PostgreSQL."""
    if request.param == "postgres":
        require_postgres()
    databases = "--postgres" if request.param == "postgres" else "--no-postgres"
    output = tmp_path_factory.mktemp("bench") / "bench.json"
    return run_bench(output, "--quick", databases, timeout=60).results


def _ratios(results: dict[str, Any]) -> list[Ratio]:
    ratios = []
    for kind in results["snapshot_load"]:
        here = ("snapshot_load", kind)

        def of(ratio: str, measured: str, baseline: str, here: tuple[str, ...] = here) -> Ratio:
            ms = (*here, "median_ms")
            return Ratio((*here, "ratios", ratio), (*ms, measured), (*ms, baseline))

        ratios += [
            of("big_over_small", "big", "small"),
            of("typical_over_small", "typical", "small"),
            of("worst_over_small", "worst", "small"),
            of("all_events_over_snapshot", "big_all_events", "big"),
            of("snapshot_over_bare_all_events", "big", "bare_big"),
        ]
    for kind in results["append"]:
        here = ("append", kind)
        rate = (*here, "events_per_second")
        ratios.append(
            Ratio(
                (*here, "ratios", "journeys_over_bare"), (*rate, "journeys"), (*rate, "bare_save")
            )
        )
        if kind == "postgres":
            ratios += [
                Ratio(
                    (*here, "ratios", "journeys_over_raw"),
                    (*rate, "journeys"),
                    (*rate, "raw_psycopg"),
                ),
                Ratio(
                    (*here, "ratios", "bare_over_raw"), (*rate, "bare_save"), (*rate, "raw_psycopg")
                ),
            ]
    for kind in results["batch_import"]:
        here = ("batch_import", kind)
        rate = (*here, "events_per_second")
        ratios += [
            Ratio(
                (*here, "ratios", "batch_over_bare_20"),
                (*rate, "batch_import"),
                (*rate, "bare_save_20"),
            ),
            Ratio(
                (*here, "ratios", "batch_wire_over_bare_20"),
                (*rate, "batch_import_wire"),
                (*rate, "bare_save_20"),
            ),
        ]
    ratios.append(
        Ratio(
            ("derive", "share_of_sqlite_load"),
            ("derive", "us_per_call"),
            ("snapshot_load", "sqlite", "median_ms", "big"),
            scale=1 / 1000,
        )
    )
    return ratios


def test_every_ratio_divides_two_figures_of_the_same_run(quick: dict[str, Any]) -> None:
    assert_honest(quick, _ratios(quick))


def test_the_postgres_run_measures_both_databases_and_the_raw_floor(
    quick: dict[str, Any],
) -> None:
    kinds = set(quick["append"])
    assert kinds == set(quick["snapshot_load"])
    if quick["machine"]["postgresql"] is None:
        assert kinds == {"sqlite"}
    else:
        assert kinds == {"sqlite", "postgres"}
        assert "raw_psycopg" in quick["append"]["postgres"]["events_per_second"]


def test_every_timed_load_loaded_the_events_of_its_journey(quick: dict[str, Any]) -> None:
    for kind, load in quick["snapshot_load"].items():
        assert set(load["median_ms"]) == set(LOADS), kind
        expected = {name: load["events"][journey] for name, journey in LOADED.items()}
        assert load["events_loaded"] == expected, kind
        assert load["events"]["big"] == quick["sizes"]["big"]


def test_every_timed_load_read_its_rows_from_the_store(quick: dict[str, Any]) -> None:
    """A snapshot (every 25 events; ``big`` is a multiple) and the events after it; all
    events without one. A load answered from memory would read no row at all."""
    for kind, load in quick["snapshot_load"].items():
        n = load["events"]
        assert n["small"] < 25 <= n["big"], kind
        assert load["rows_read_per_load"] == {
            "small": n["small"],
            "big": 1,
            "typical": 1 + n["typical"] - n["big"],
            "worst": 1 + n["worst"] - n["big"],
            "big_all_events": n["big"],
            "bare_big": n["big"],
        }, kind


def test_every_writer_stored_the_events_it_was_timed_for(quick: dict[str, Any]) -> None:
    for kind, append in quick["append"].items():
        assert append["events"] == append["writers"] * quick["sizes"]["per_writer"] > 0
        written = at(quick, ("append", kind, "events_stored"))
        assert set(written) == set(append["events_per_second"]), kind
        # Read back from each writer's own store: a writer that saved nothing shows 0.
        assert written == dict.fromkeys(written, append["events"]), kind
