"""Benchmark: does an append cost the same in a big store as in a small one?

Issue 12 asks that each figure at 100,000 and at 1,000,000 events be within 1.5x of
each other. The read models and verification are measured at both sizes by their own
runs; this one measures appends. For each size it writes a fresh PostgreSQL store of
that many events through the domain (``bench.readmodels_store.generate``: many clinics'
journeys, interleaved, snapshots every 25 events, as a real log), then runs the append
benchmark on that same database (``bench.append.run``: new journeys appended to one
event at a time through ``Journeys.append``, against the bare library and a raw psycopg
insert loop, which write tables of their own, in the same rounds).

So the journeys' rate at 1M over its rate at 100k is the flatness figure, and the
library's own rate in each run shows how far the machine moved between the two.

    .venv/bin/python -m bench --growth [--quick]
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from eventsourcing.cipher import AESCipher

from bench import append
from bench.machine import describe
from bench.readmodels_store import generate
from bench.report import write_key
from bench.steps import START
from bench.stores import journeys, postgres_store, postgres_version

FULL_SIZES = (100_000, 1_000_000)
QUICK_SIZES = (300, 1_200)
FULL_PER_WRITER = 100
QUICK_PER_WRITER = 10
FLAT_WITHIN = 1.5


def say(line: str) -> None:
    print(line, flush=True)


def measure_at(events: int, per_writer: int) -> dict[str, Any]:
    """A fresh store of ``events`` events; then appends to new journeys in it."""
    with postgres_store() as store:
        app = journeys(store, AESCipher.create_key(16), START + timedelta(days=400))
        try:
            say(f"postgres: writing {events:,} events through the domain ...")
            written = generate(
                app, events, lambda done, s: say(f"  {done:,} events, {done / s:,.0f}/s")
            )
            stored = app.log_position()
        finally:
            app.close()
        assert stored == events, (stored, events)
        say(f"  appending in a store of {events:,} events ...")
        appended = append.run(store, per_writer)
    return {"events_in_store": stored, "generate": written, "append": appended}


def run(quick: bool, output: Path) -> dict[str, Any]:
    started = time.perf_counter()
    sizes = QUICK_SIZES if quick else FULL_SIZES
    per_writer = QUICK_PER_WRITER if quick else FULL_PER_WRITER
    at = {str(events): measure_at(events, per_writer) for events in sizes}
    small, big = (at[str(events)]["append"] for events in sizes)
    rates = {name: big["events_per_second"][name] for name in ("journeys", "bare_save")}
    ratios = {
        "journeys_big_over_small": rates["journeys"] / small["events_per_second"]["journeys"],
        "bare_big_over_small": rates["bare_save"] / small["events_per_second"]["bare_save"],
    }
    flat = 1 / FLAT_WITHIN <= ratios["journeys_big_over_small"] <= FLAT_WITHIN
    results: dict[str, Any] = {
        "machine": describe(postgres_version()),
        "quick": quick,
        "sizes": list(sizes),
        "at": at,
        "ratios": ratios,
        "aims": {f"append rate flat within {FLAT_WITHIN}x": "met" if flat else "MISSED"},
        "seconds": time.perf_counter() - started,
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
    }
    say(render(results))
    write_key(output, "append_growth", results)
    say(f"\nWrote the append_growth key of {output} ({results['seconds']:.0f} s in all)")
    return results


def render(results: dict[str, Any]) -> str:
    lines = ["", "Appends (Journeys.append, one event each) as the store grows, PostgreSQL"]
    lines.append(f"  {'events in store':>16}  {'journeys/s':>11}  {'bare/s':>8}  {'raw/s':>8}")
    for size, found in results["at"].items():
        rates = found["append"]["events_per_second"]
        raw = rates.get("raw_psycopg", 0.0)
        lines.append(
            f"  {int(size):>16,}  {rates['journeys']:>11,.0f}  {rates['bare_save']:>8,.0f}"
            f"  {raw:>8,.0f}"
        )
    for name, value in results["ratios"].items():
        lines.append(f"  {name:<32} {value:>8.2f}")
    for aim, verdict in results["aims"].items():
        lines.append(f"  {aim:<40} {verdict}")
    return "\n".join(lines)
