"""``python -m bench --verify --quick`` runs on a tiny store, and its ratios are honest.

The verification benchmark compares ``audit verify`` with raw psycopg scans of the same
table in the same run. Its shares are only worth reading if every scan read every row
of the store it is compared on, and every verification checked every event: both are
read back here against the store's own count. PostgreSQL only (the benchmark's
subject), so under CI=true this fails rather than skips without a server.
"""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from tests.databases import require_postgres
from tests.integration.bench_runs import Ratio, assert_honest, run_bench

HEADER_BYTES = 256  # what the header scan reads of each row, as the seal scan does


@pytest.fixture(scope="module")
def verify(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_postgres()
    output = tmp_path_factory.mktemp("bench") / "bench.json"
    run = run_bench(output, "--verify", "--quick", timeout=60)
    assert set(run.results) == {"verify"}
    results: dict[str, Any] = run.results["verify"]
    return results


pytestmark = pytest.mark.postgres


def test_the_quick_run_verifies_two_small_stores(verify: dict[str, Any]) -> None:
    sizes = sorted(int(size) for size in verify["sizes"])
    assert len(sizes) == 2
    assert 0 < sizes[0] < sizes[1] == verify["events"] <= 1000
    assert set(verify["summary"]) == set(verify["sizes"])
    deep = [size for size, found in verify["sizes"].items() if "deep_by_cipher" in found]
    assert deep == [str(sizes[0])]


def test_every_ratio_divides_two_figures_of_the_same_run(verify: dict[str, Any]) -> None:
    ratios = []
    for size in verify["summary"]:
        here = ("summary", size)
        fast = (*here, "fast_events_per_second")
        for scan in ("raw_full", "raw_header"):
            ratios.append(
                Ratio((*here, f"fast_share_of_{scan}"), fast, (*here, f"{scan}_rows_per_second"))
            )
        ratios.append(
            Ratio((*here, "fast_over_two_reads"), fast, (*here, "two_reads_events_per_second"))
        )
    assert_honest(verify, ratios)


def test_the_summary_holds_the_medians_of_the_rounds(verify: dict[str, Any]) -> None:
    for size, found in verify["sizes"].items():
        runs, summary = found["runs"], verify["summary"][size]
        assert {len(r) for r in runs.values()} == {verify["rounds"]}
        for kind, key in (("raw_full", "rows"), ("raw_header", "rows"), ("fast", "events_checked")):
            for r in runs[kind]:
                seconds = r["seconds_total"] if kind == "fast" else r["seconds"]
                rate = r["events_per_second" if kind == "fast" else "rows_per_second"]
                assert rate == pytest.approx(r[key] / seconds, rel=1e-9), (size, kind)
        assert summary["fast_events_per_second"] == statistics.median(
            r["events_per_second"] for r in runs["fast"]
        )
        for scan in ("raw_full", "raw_header"):
            assert summary[f"{scan}_rows_per_second"] == statistics.median(
                r["rows_per_second"] for r in runs[scan]
            )


def test_every_scan_and_verification_covered_the_whole_store(verify: dict[str, Any]) -> None:
    for size, found in verify["sizes"].items():
        events = int(size)
        assert found["events_in_store"] == found["generate"]["events"] == events
        assert found["checkpoint"]["tree_size"] == events
        for r in found["runs"]["raw_full"] + found["runs"]["raw_header"]:
            assert r["rows"] == events, size
        for r in found["runs"]["fast"] + list(found.get("deep_by_cipher", {}).values()):
            assert r["ok"], size
            assert r["events_checked"] == events, size


def test_the_header_scan_reads_only_the_head_of_each_row(verify: dict[str, Any]) -> None:
    for size, found in verify["sizes"].items():
        for full, header in zip(
            found["runs"]["raw_full"], found["runs"]["raw_header"], strict=True
        ):
            assert 0 < header["bytes"] <= HEADER_BYTES * header["rows"], size
            assert full["bytes"] > header["bytes"], size
