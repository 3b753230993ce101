"""The read-model benchmarks: ``python -m bench --readmodels [--quick] [--events N]``.

1. A store of ``events`` events (default 1,000,000; 500 with ``--quick``, a smoke test
   whose figures mean little) is written through the domain on a throwaway PostgreSQL
   database (``bench.readmodels_store``).
2. Each read model is rebuilt from it and compared with loops that only read the log,
   and its peak memory is taken at a tenth of the log and at all of it
   (``bench.readmodels_rebuild``).
3. The caseload query is timed at 1,000, 10,000 and 100,000 journeys (200 and 1,000
   with ``--quick``) on PostgreSQL and on SQLite (``bench.readmodels_queries``).

The results go under the ``readmodels`` key of ``var/bench-results.json``; the other
keys of that file are kept.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from eventsourcing.cipher import AESCipher

from bench import readmodels_queries, readmodels_rebuild
from bench.machine import describe
from bench.readmodels_report import aims, render
from bench.readmodels_store import generate
from bench.report import write_key
from bench.steps import START
from bench.stores import journeys, postgres_store, postgres_version
from interface.storage.engine import create_sql_engine

FULL_EVENTS = 1_000_000
QUICK_EVENTS = 500  # a smoke test: seconds, not figures
FULL_QUERY_SIZES = [1_000, 10_000, 100_000]
QUICK_QUERY_SIZES = [200, 1_000]
FULL_QUERY_RUNS = 200
QUICK_QUERY_RUNS = 5


def say(line: str) -> None:
    print(line, flush=True)


def _store_and_rebuild(events: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with postgres_store() as store:
        key = AESCipher.create_key(16)
        app = journeys(store, key, START + timedelta(days=400))
        try:
            say(f"postgres: writing {events:,} events through the domain ...")
            results["generate"] = generate(
                app,
                events,
                progress=lambda done, s: say(f"  {done:,} events, {done / s:,.0f}/s"),
            )
            end = app.log_position()
            assert end == events, (end, events)
            results["events_in_store"] = end  # read back: what every baseline must read
            say(
                f"  {events:,} events, {results['generate']['journeys']:,} journeys in "
                f"{results['generate']['seconds']:.0f} s "
                f"({results['generate']['events_per_second']:,.0f} events/s)"
            )
            results["rebuild"] = readmodels_rebuild.run(store, key, app, events, say)
        finally:
            app.close()
    return results


def _queries(use_postgres: bool, sizes: list[int], runs: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if use_postgres:
        with postgres_store() as store:
            engine = create_sql_engine(store.url)
            try:
                say("postgres: caseload queries ...")
                found["postgres"] = readmodels_queries.run(engine, sizes, runs, say)
            finally:
                engine.dispose()
    with tempfile.TemporaryDirectory(prefix="kap-bench-") as folder:
        engine = create_sql_engine(f"sqlite:///{Path(folder) / 'readmodels.db'}")
        try:
            say("sqlite: caseload queries ...")
            found["sqlite"] = readmodels_queries.run(engine, sizes, runs, say)
        finally:
            engine.dispose()
    return found


def run(events: int | None, quick: bool, use_postgres: bool, output: Path) -> dict[str, Any]:
    started = time.perf_counter()
    events = events or (QUICK_EVENTS if quick else FULL_EVENTS)
    results: dict[str, Any] = {
        "machine": describe(postgres_version() if use_postgres else None),
        "quick": quick,
        "events": events,
    }
    if use_postgres:
        results.update(_store_and_rebuild(events))
    else:
        say("PostgreSQL not measured: only the caseload query on SQLite")
    sizes = QUICK_QUERY_SIZES if quick else FULL_QUERY_SIZES
    runs = QUICK_QUERY_RUNS if quick else FULL_QUERY_RUNS
    results["caseload_query"] = _queries(use_postgres, sizes, runs)
    results["aims"] = aims(results)
    results["seconds"] = time.perf_counter() - started
    results["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    say(render(results))
    write_key(output, "readmodels", results)
    say(f"\nWrote the readmodels key of {output} ({results['seconds']:.0f} s in all)")
    return results
