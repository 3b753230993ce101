"""Full-store verification: ``python -m bench --verify [--quick] [--events N]``.

For each of two store sizes (a tenth of ``events``, then ``events``; default 100,000
and 1,000,000; ``--quick``: 250 and 500, a smoke test whose figures mean little), on a
throwaway PostgreSQL database:

1. The store is written through the domain by the read-model benchmark's generator
   (``bench.readmodels_store.generate``: realistic, interleaved journeys; the
   ``Journeys`` app as in production, AES-GCM and zlib).
2. A checkpoint is signed over the whole log, as ``serve`` does
   (``services.checkpoints.create()``, Ed25519 key of 32 random bytes).
3. In the same run, alternating, ``ROUNDS`` times each:

   - ``fast``: what ``kap-journeys audit verify`` runs: ``scan_chains`` (every
     journey's chain from the seals in the clear) then ``verify_all(against_log=True)``
     (the signed Merkle root recomputed from every leaf), in a child process of its own
     whose peak RSS (``VmHWM``) is read at the end;
   - ``two_reads``: the same checks with the log read twice, once for the chains and
     once for the tree (what ``audit verify`` did before issue 12), in a child too;
   - ``raw_full``: a psycopg loop over every row of the events table
     (``originator_id, originator_version, state`` in ``notification_id`` order, a
     server-side cursor fetching ``SCAN_ROWS`` rows at a time, each state's length
     summed): the floor of any reader of the whole log;
   - ``raw_header``: the same with only ``substring(state from 1 for 256)``: the bytes
     the seal scan reads, so the floor of a reader of the seals.

4. ``deep`` (``audit verify --deep``: ``verify_store``, every entry decrypted, then the
   same ``verify_all``) on the whole smaller store, in a child; and ``fast`` once more
   under cProfile, to show where its time goes.

The results go under the ``verify`` key of ``var/bench-results.json``; the other keys
of that file are kept.
"""

from __future__ import annotations

import base64
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.cipher import AESCipher
from psycopg.sql import SQL, Identifier

from bench import verify_child
from bench.machine import describe
from bench.readmodels_store import generate
from bench.report import write_key
from bench.steps import START
from bench.stores import journeys, postgres_store, postgres_version
from interface.storage.environment import events_table_name

FULL_EVENTS = 1_000_000
QUICK_EVENTS = 500  # a smoke test: seconds, not figures
ROUNDS = 2
SCAN_ROWS = 20_000  # rows per fetch of the raw scans (the seal scan's page)
HEADER_BYTES = 256  # as application.audit.seal_scan
NOW = START + timedelta(days=400)
AIM_EVENTS_PER_SECOND = 50_000
AIM_SHARE_OF_RAW = 1 / 3
AIM_PEAK_MB = 300
DEEP_CIPHERS = ("eventsourcing.cipher:AESCipher", "eventsourcing.cryptography:AESCipher")
"""``--deep`` is timed with each of the library's AES-GCM ciphers (same stored format):
pycryptodome's, and the ``cryptography`` package's."""

Say = Callable[[str], None]


def say(line: str) -> None:
    print(line, flush=True)


def raw_scan(url: str, table: str, header: bool) -> dict[str, Any]:
    """Every row of the events table read with psycopg, each row touched."""
    state = (
        SQL("substring(state from 1 for {n})").format(n=SQL(str(HEADER_BYTES)))
        if header
        else SQL("state")
    )
    query = SQL(
        "SELECT originator_id, originator_version, {state} FROM {table} ORDER BY notification_id"
    ).format(state=state, table=Identifier(table))
    rows = size = 0
    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        with connection.cursor(name="kap_bench_verify_scan") as cursor:
            cursor.itersize = SCAN_ROWS
            cursor.execute(query)
            for _originator, _version, data in cursor:
                rows += 1
                size += len(data)
        seconds = time.perf_counter() - started
    return {"rows": rows, "bytes": size, "seconds": seconds, "rows_per_second": rows / seconds}


def in_child(
    url: str, cipher_key: str, signing_key: str, mode: str, cipher_topic: str | None = None
) -> dict[str, Any]:
    """``verify_child.verify`` in a fresh process, so its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(
            verify_child.verify, url, cipher_key, signing_key, mode, cipher_topic
        ).result()


def _sign(url: str, cipher_key: str, signing_key: str) -> dict[str, Any]:

    services = verify_child._services(url, cipher_key, signing_key)
    try:
        started = time.perf_counter()
        checkpoint = services.checkpoints.create()
        seconds = time.perf_counter() - started
    finally:
        services.close()
    assert checkpoint is not None
    return {"tree_size": checkpoint.tree_size, "root": checkpoint.root, "seconds": seconds}


def _rate(found: dict[str, Any]) -> float:
    rate: float = found["events_checked"] / found["seconds"]["total"]
    return rate


def measure(events: int, deep: bool, say: Say) -> dict[str, Any]:
    """One store of ``events`` events: written, signed, and verified against the scans."""
    results: dict[str, Any] = {"events": events}
    with postgres_store() as store:
        cipher_key = AESCipher.create_key(16)
        signing_key = base64.b64encode(os.urandom(32)).decode("ascii")
        app = journeys(store, cipher_key, NOW)
        try:
            say(f"postgres: writing {events:,} events through the domain ...")
            results["generate"] = generate(
                app,
                events,
                progress=lambda done, s: say(f"  {done:,} events, {done / s:,.0f}/s"),
            )
            table = events_table_name(app.recorder)
        finally:
            app.close()
        with psycopg.connect(store.url) as connection:
            row = connection.execute(
                SQL("SELECT pg_total_relation_size({t}::regclass), count(*) FROM {i}").format(
                    t=str(table), i=Identifier(table)
                )
            ).fetchone()
        results["table_mb"] = (row[0] if row else 0) / 2**20
        # Read back: every scan and verification below must cover this many rows.
        results["events_in_store"] = row[1] if row else 0
        say(f"  written in {results['generate']['seconds']:.0f} s; signing a checkpoint ...")
        results["checkpoint"] = _sign(store.url, cipher_key, signing_key)
        assert results["checkpoint"]["tree_size"] == events
        runs: dict[str, list[dict[str, Any]]] = {
            "raw_full": [],
            "raw_header": [],
            "fast": [],
            "two_reads": [],
        }
        for round_ in range(1, ROUNDS + 1):
            say(f"  round {round_}: raw scan, header scan, fast verification ...")
            runs["raw_full"].append(raw_scan(store.url, table, header=False))
            runs["raw_header"].append(raw_scan(store.url, table, header=True))
            fast = in_child(store.url, cipher_key, signing_key, "fast")
            assert fast["ok"], fast
            assert fast["events_checked"] == events, fast
            fast["events_per_second"] = _rate(fast)
            runs["fast"].append(fast)
            two = in_child(store.url, cipher_key, signing_key, "two_reads")
            assert two["ok"], two
            assert two["events_checked"] == events, two
            two["events_per_second"] = _rate(two)
            runs["two_reads"].append(two)
            say(
                f"    raw {runs['raw_full'][-1]['rows_per_second']:,.0f} rows/s, header "
                f"{runs['raw_header'][-1]['rows_per_second']:,.0f} rows/s, fast "
                f"{fast['events_per_second']:,.0f} events/s (two reads "
                f"{two['events_per_second']:,.0f}), peak {fast['peak_rss_mb']:.0f} MB"
            )
        results["runs"] = runs
        if deep:
            results["deep_by_cipher"] = {}
            for topic in DEEP_CIPHERS:
                say(f"  deep verification (every entry decrypted, {topic}) ...")
                found = in_child(store.url, cipher_key, signing_key, "deep", topic)
                assert found["ok"], found
                assert found["events_checked"] == events, found
                found["events_per_second"] = _rate(found)
                results["deep_by_cipher"][topic] = found
                say(f"    {found['events_per_second']:,.0f} events/s")
            say("  fast verification under cProfile ...")
            profiled = in_child(store.url, cipher_key, signing_key, "profile")
            results["profile"] = profiled["profile"]
    return results


def summarize(size: dict[str, Any]) -> dict[str, Any]:
    """Medians over the rounds, and the ratios the aim is stated in."""

    def median(kind: str, key: str) -> float:
        figures: list[float] = [run[key] for run in size["runs"][kind]]
        return statistics.median(figures)

    fast = median("fast", "events_per_second")
    two_reads = median("two_reads", "events_per_second")
    raw = median("raw_full", "rows_per_second")
    header = median("raw_header", "rows_per_second")
    found = {
        "events": size["events"],
        "fast_events_per_second": fast,
        "raw_full_rows_per_second": raw,
        "raw_header_rows_per_second": header,
        "fast_share_of_raw_full": fast / raw,
        "fast_share_of_raw_header": fast / header,
        "two_reads_events_per_second": two_reads,
        "fast_over_two_reads": fast / two_reads,
        "fast_peak_rss_mb": max(run["peak_rss_mb"] for run in size["runs"]["fast"]),
        "fast_rss_before_mb": median("fast", "rss_before_mb"),
        "fast_seconds": median("fast", "seconds_total"),
        "sign_checkpoint_seconds": size["checkpoint"]["seconds"],
    }
    for topic, deep in size.get("deep_by_cipher", {}).items():
        package = "cryptography" if "cryptography" in topic else "pycryptodome"
        found[f"deep_events_per_second_{package}"] = deep["events_per_second"]
        found[f"deep_peak_rss_mb_{package}"] = deep["peak_rss_mb"]
    return found


def aims(summary: dict[str, Any]) -> dict[str, Any]:
    big = summary[max(summary, key=lambda k: summary[k]["events"])]
    peaks = [s["fast_peak_rss_mb"] for s in summary.values()]
    return {
        "events_per_second_at_least_50000": big["fast_events_per_second"] >= AIM_EVENTS_PER_SECOND,
        "at_least_a_third_of_raw_full_scan": big["fast_share_of_raw_full"] >= AIM_SHARE_OF_RAW,
        "peak_rss_under_300_mb": max(peaks) < AIM_PEAK_MB,
        "peak_rss_growth_mb": max(peaks) - min(peaks),
    }


def _if_measured(key: str, spec: str) -> Callable[[dict[str, Any]], str]:
    """A size's figure under ``key`` formatted by ``spec``, or "-" where it was not run."""
    return lambda size: format(size[key], spec) if key in size else "-"


def render(results: dict[str, Any]) -> str:
    sizes = list(results["summary"].values())
    head = "| | " + " | ".join(f"{s['events']:,} events" for s in sizes) + " |"
    lines = [
        f"Full-store verification on PostgreSQL (medians of {ROUNDS} rounds; rates per second)",
        "",
        head,
        "|" + "---|" * (len(sizes) + 1),
    ]

    def row(label: str, value: Callable[[dict[str, Any]], str]) -> None:
        lines.append(f"| {label} | " + " | ".join(value(s) for s in sizes) + " |")

    row("fast verify (chains + Merkle), events/s", lambda s: f"{s['fast_events_per_second']:,.0f}")
    row("raw psycopg scan, rows/s", lambda s: f"{s['raw_full_rows_per_second']:,.0f}")
    row("raw header scan (256 B), rows/s", lambda s: f"{s['raw_header_rows_per_second']:,.0f}")
    row("fast / raw scan", lambda s: f"{s['fast_share_of_raw_full']:.2f}")
    row("fast / header scan", lambda s: f"{s['fast_share_of_raw_header']:.2f}")
    row(
        "the log read twice (before), events/s",
        lambda s: f"{s['two_reads_events_per_second']:,.0f}",
    )
    row("fast / read twice", lambda s: f"{s['fast_over_two_reads']:.2f}")
    row("fast verify, seconds", lambda s: f"{s['fast_seconds']:.1f}")
    row("fast verify, peak RSS MB", lambda s: f"{s['fast_peak_rss_mb']:.0f}")
    row("  (RSS before verifying, MB)", lambda s: f"{s['fast_rss_before_mb']:.0f}")
    for package in ("pycryptodome", "cryptography"):
        rate, peak = f"deep_events_per_second_{package}", f"deep_peak_rss_mb_{package}"
        row(f"deep verify ({package} AES), events/s", _if_measured(rate, ",.0f"))
        row(f"deep verify ({package} AES), peak RSS MB", _if_measured(peak, ".0f"))
    row("sign a checkpoint, seconds", lambda s: f"{s['sign_checkpoint_seconds']:.1f}")
    lines.append("")
    lines.append("Aims: " + ", ".join(f"{k}: {v}" for k, v in results["aims"].items()))
    return "\n".join(lines)


def _flatten_seconds(size: dict[str, Any]) -> None:
    for run in size["runs"]["fast"] + size["runs"]["two_reads"]:
        run["seconds_total"] = run["seconds"]["total"]


def run(events: int | None, quick: bool, output: Path) -> dict[str, Any]:
    started = time.perf_counter()
    events = events or (QUICK_EVENTS if quick else FULL_EVENTS)
    small = max(events // 10, min(1000, events // 2))  # two sizes, even for a small store
    results: dict[str, Any] = {
        "machine": describe(postgres_version()),
        "quick": quick,
        "events": events,
        "scan_rows_per_fetch": SCAN_ROWS,
        "rounds": ROUNDS,
        "sizes": {},
    }
    for size, deep in ((small, True), (events, False)):
        measured = measure(size, deep, say)
        _flatten_seconds(measured)
        results["sizes"][str(size)] = measured
    results["summary"] = {k: summarize(v) for k, v in results["sizes"].items()}
    results["aims"] = aims(results["summary"])
    results["seconds"] = time.perf_counter() - started
    results["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    say("")
    say(render(results))
    write_key(output, "verify", results)
    say(f"\nWrote the verify key of {output} ({results['seconds']:.0f} s in all)")
    return results
