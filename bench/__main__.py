"""Run the benchmarks: ``python -m bench [--quick] [--postgres/--no-postgres]``.

Prints a table and writes ``var/bench-results.json``. The full run takes 30-40 s on a
2-core machine; ``--quick --no-postgres`` about 2 s (for a smoke test).

``--readmodels [--events N]`` runs the read-model benchmarks instead (rebuild
throughput, its peak memory, caseload query latency; ``bench/readmodels_run.py``) and
writes their figures under the ``readmodels`` key of the same file.

``--verify [--events N]`` runs the full-store verification benchmark instead (chains
and Merkle roots against raw scans of the same table, peak memory at a tenth of the
store and at all of it; ``bench/verify_run.py``), under the ``verify`` key.

``--growth`` runs the append benchmark in stores of 100,000 and 1,000,000 events
(``bench/append_growth.py``), under the ``append_growth`` key.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import append, batch_import, derive, load
from bench.machine import describe
from bench.report import render
from bench.stores import (
    postgres_store,
    postgres_unavailable_reason,
    postgres_version,
    sqlite_store,
)

RESULTS = Path(__file__).resolve().parent.parent / "var" / "bench-results.json"
SEPARATE_KEYS = ("readmodels", "verify", "append_growth", "http")
"""The results file's keys written by --readmodels, --verify, --growth and --http."""


@dataclass(frozen=True)
class Sizes:
    big: int  # events of the long journey (a multiple of the snapshot interval, 25)
    loads: int  # timed loads of each journey
    per_writer: int  # appends per writer (4 writers)
    derive_seconds: float  # time per batch of status derivations
    import_journeys: int  # journeys of a batch import chunk (20 events each)
    import_rounds: int  # chunks imported by each variant


FULL = Sizes(
    big=1000, loads=50, per_writer=100, derive_seconds=0.2, import_journeys=50, import_rounds=10
)
QUICK = Sizes(
    big=100, loads=10, per_writer=10, derive_seconds=0.02, import_journeys=5, import_rounds=2
)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, seconds not minutes (smoke test)"
    )
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="measure PostgreSQL too (default: if reachable at KAP_BENCH_POSTGRES_URL "
        "or 127.0.0.1:5432)",
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="default var/bench-results.json"
    )
    parser.add_argument(
        "--readmodels",
        action="store_true",
        help="run the read-model benchmarks instead (15-25 min in full; PostgreSQL)",
    )
    parser.add_argument(
        "--events",
        type=int,
        default=None,
        help="events in the store of --readmodels or --verify (default 1,000,000; "
        "500 with --quick)",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="run the full-store verification benchmark instead (about 10 min in full; PostgreSQL)",
    )
    parser.add_argument(
        "--growth",
        action="store_true",
        help="run the append benchmark in stores of 100,000 and 1,000,000 events instead "
        "(about 10 min in full; PostgreSQL)",
    )
    parser.add_argument(
        "--http",
        action="store_true",
        help="run the HTTP load benchmark instead (serve processes on PostgreSQL; "
        "about 5 min in full)",
    )
    return parser.parse_args(argv)


def _bench(module: str) -> Any:
    """A benchmark module, imported only when its run is asked for."""
    return importlib.import_module(f"bench.{module}")


def _kept(output: Path, key: str) -> Any:
    try:
        return json.loads(output.read_text()).get(key)
    except (OSError, ValueError, AttributeError):
        return None


def main(argv: list[str]) -> int:
    args = parse(argv)
    sizes = QUICK if args.quick else FULL
    started = time.perf_counter()

    use_postgres = args.postgres is not False
    if use_postgres:
        reason = postgres_unavailable_reason()
        if reason is not None:
            if args.postgres:
                print(f"error: PostgreSQL asked for but not reachable: {reason}", file=sys.stderr)
                return 2
            print(f"PostgreSQL skipped: not reachable at {reason}")
            use_postgres = False

    if args.readmodels:
        from bench import readmodels_run

        readmodels_run.run(args.events, args.quick, use_postgres, args.output)
        return 0

    # Each measures PostgreSQL alone, writes its own key of the results file, and stops.
    postgres_only: dict[str, Callable[[], object]] = {
        "verify": lambda: _bench("verify_run").run(args.events, args.quick, args.output),
        "growth": lambda: _bench("append_growth").run(args.quick, args.output),
        "http": lambda: _bench("http_load").run(args.quick, args.output),
    }
    for flag, run_it in postgres_only.items():
        if getattr(args, flag):
            if not use_postgres:
                print(f"error: --{flag} measures PostgreSQL, which is not used", file=sys.stderr)
                return 2
            run_it()
            return 0

    stores = [sqlite_store] + ([postgres_store] if use_postgres else [])
    results: dict[str, Any] = {
        "machine": describe(postgres_version() if use_postgres else None),
        "quick": args.quick,
        "sizes": vars(sizes),
        "snapshot_load": {},
        "append": {},
        "batch_import": {},
    }
    for open_store in stores:
        with open_store() as store:
            print(f"{store.kind}: snapshot load ...", flush=True)
            results["snapshot_load"][store.kind] = load.run(store, sizes.big, sizes.loads)
            print(f"{store.kind}: appends ...", flush=True)
            results["append"][store.kind] = append.run(store, sizes.per_writer)
            print(f"{store.kind}: batch import ...", flush=True)
            results["batch_import"][store.kind] = batch_import.run(
                store, sizes.import_journeys, sizes.import_rounds
            )
    print("status derivation ...", flush=True)
    results["derive"] = derive.run(sizes.derive_seconds)
    sqlite_load_ms = results["snapshot_load"]["sqlite"]["median_ms"]["big"]
    results["derive"]["share_of_sqlite_load"] = (
        results["derive"]["us_per_call"] / 1000 / sqlite_load_ms
    )
    results["seconds"] = time.perf_counter() - started

    print()
    print(render(results))
    print(batch_import.render(results["batch_import"]))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    for key in SEPARATE_KEYS:  # measured by their own runs: kept as they were
        kept = _kept(args.output, key)
        if kept is not None:
            results[key] = kept
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
