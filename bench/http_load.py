"""Benchmark: single appends over HTTP against a real ``kap-journeys serve`` process.

Each variant starts ``serve`` (``python -m interface.cli serve``, as a deployment does)
on a fresh throwaway PostgreSQL database, issues a ``clinic_system`` token with the CLI,
opens as many journeys as the highest concurrency and brings each to an open dosing
session (intake, pre-dose check, dose: 8 events), where ``VitalsRecorded`` is accepted
again and again. Then C threads, each with its own keep-alive connection and its own
journey, post ``VitalsRecorded`` in a loop for a fixed time, at C = 1, 8, 32, 64.
Every answer is timed from just before the request is sent to the end of its body
(p50, p99); appends per second count the 201 answers over the window's wall time.

Variants: ``serve`` (projections in the same process, the embedded default) at every C;
``serve --no-projections`` at C=1 (what the projections cost); ``serve --workers 2``
and ``--workers 4`` at the highest C (``--workers 1`` is ``serve`` itself). A server
that projects is given time after each window to catch up (``/health`` lag 0), and that
time is recorded, so a projection that only falls behind is not counted as free.

The baseline is the bare ``eventsourcing`` library (``bench.stores.bare_app``: default
transcoder, no cipher, no compression, no snapshots) saving one new event of a trivial
aggregate per transaction, from 1 thread and from the highest C of threads, each thread
with its own aggregate, on its own throwaway database of the same server. It runs
first and again (1 thread) at the end: ``bare_again_over_bare_1`` shows how far the
machine drifted over the run.

Each variant's events are counted in its database before and after each window
(``events_stored``): a rate is only reported for events that were really written.
The load generator runs on the same 2 cores as the server, so its own CPU (``http.client``
and ``json``, kept light on purpose) is part of every HTTP figure.

    .venv/bin/python -m bench --http [--quick]
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.cipher import AESCipher

from bench.machine import describe
from bench.report import write_key
from bench.steps import intake, open_session, step
from bench.stores import Counter, Store, bare_app, postgres_store, postgres_version

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "interface.cli"]
CLINIC = "clinic-bench"
EVENTS_TABLE = "kapjourneys_events"  # the library names its tables after the application
BARE_TABLE = "barecounters_events"
DOSE_AFTER_OPENING = timedelta(days=10)
DOSED_AGO = timedelta(hours=12)
OPENED_AGO = DOSE_AFTER_OPENING + DOSED_AGO
NOTE_EVERY = timedelta(seconds=1)
"""A reading a second from the dose on: 43,200 readings of room before "now", and each
recorded within 24 h of when it was taken, as a monitoring device posts them. (Until
2026-11-30 the dose was 20 days back: every reading was a late entry (C-08), so the
findings read model gained a row per append and rewrote them all each round, a cost
no live clinic makes; docs/benchmarks.md says which runs had it.)"""
CATCH_UP_WAIT = 120.0  # seconds a projecting server gets to catch up after a window
START_WAIT = 60.0


@dataclass(frozen=True)
class Sizes:
    levels: tuple[int, ...]  # concurrencies of ``serve``; the last is the "high" one
    seconds: float  # each timed window
    warmup: float  # untimed posting before each window (connections, caches, workers)
    workers: tuple[int, ...]  # ``serve --workers N`` at the highest level (N > 1)


FULL = Sizes(levels=(1, 8, 32, 64), seconds=15.0, warmup=3.0, workers=(2, 4))
QUICK = Sizes(levels=(1, 4), seconds=1.0, warmup=0.3, workers=(2,))


@dataclass
class Window:
    """What one timed window measured."""

    concurrency: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    appends: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    events_stored: int = 0
    catch_up_seconds: float | None = None

    def figures(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "concurrency": self.concurrency,
            "seconds": self.seconds,
            "appends": self.appends,
            "events_stored": self.events_stored,
            "refused": self.refused,
            "appends_per_second": self.appends / self.seconds,
        }
        found.update(latency_figures(self.latencies))
        if self.catch_up_seconds is not None:
            found["projection_catch_up_seconds"] = self.catch_up_seconds
        return found


def latency_figures(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    if not ordered:  # nothing answered: the smoke test and the table show it as 0
        return dict.fromkeys(("p50_ms", "p99_ms", "max_ms", "mean_ms"), 0.0)

    def at(share: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return {
        "p50_ms": at(0.50),
        "p99_ms": at(0.99),
        "max_ms": 1000 * ordered[-1],
        "mean_ms": 1000 * statistics.fmean(ordered),
    }


# --- the server ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def deployment_env(database_url: str) -> dict[str, str]:
    """The process environment of a PostgreSQL deployment with fresh keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAP_")}
    env.update(
        KAP_DATABASE_URL=database_url,
        KAP_CIPHER_KEY=AESCipher.create_key(16),
        KAP_SIGNING_KEY=base64.b64encode(os.urandom(32)).decode(),
        PYTHONPATH=str(ROOT),
    )
    return env


@dataclass(frozen=True)
class Served:
    host: str
    port: int
    env: dict[str, str]
    projects: bool

    def get(self, path: str) -> dict[str, Any]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request("GET", path)
            answer = conn.getresponse()
            body: dict[str, Any] = json.loads(answer.read() or b"{}")
            return body
        finally:
            conn.close()

    def token(self, role: str, name: str) -> str:
        done = subprocess.run(
            [*CLI, "tokens", "create", "--role", role, "--clinic", CLINIC, "--name", name],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tokens create failed: {done.stderr.strip()[-500:]}")
        return done.stdout.strip().splitlines()[-1]

    def caught_up(self) -> bool:
        body = self.get("/health")
        projections = body.get("projections") or {}
        return bool(projections) and all(p.get("lag") == 0 for p in projections.values())


@contextmanager
def serving(database_url: str, args: list[str], log: Path) -> Iterator[Served]:
    """``kap-journeys serve ARGS`` on a free port, up once ``/health`` answers 200."""
    port = _free_port()
    env = deployment_env(database_url)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    served = Served("127.0.0.1", port, env, "--no-projections" not in args)
    try:
        deadline = time.monotonic() + START_WAIT
        while True:
            try:
                if "status" in served.get("/health"):
                    break
            except (OSError, http.client.HTTPException, ValueError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"serve did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- the clients -----------------------------------------------------------------------


class Client:
    """One keep-alive connection posting as one clinic system."""

    def __init__(self, served: Served, token: str) -> None:
        self.served = served
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection(served.host, served.port, timeout=60)

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The answer's status and body; status 0 (and a new connection next time) for a
        connection that failed, so a window counts it rather than losing its thread."""
        try:
            self.conn.request("POST", path, json.dumps(body).encode(), self.headers)
            answer = self.conn.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.served.host, self.served.port, timeout=60)
            return 0, {"title": type(error).__name__}
        try:
            return answer.status, json.loads(data) if data else {}
        except ValueError:
            return answer.status, {"title": "not JSON"}

    def close(self) -> None:
        self.conn.close()


@dataclass
class Journey:
    """A journey with its session open, and the time of its next reading."""

    id: str
    dose_at: datetime
    notes: Iterator[int] = field(default_factory=lambda: count(1))

    def next_vitals(self) -> dict[str, Any]:
        at = self.dose_at + NOTE_EVERY * next(self.notes)
        s = step("VitalsRecorded", at, session=1)
        return {
            "type": s.type,
            "occurred_at": at.isoformat(),
            "recorded_by": {"id": "nurse-1", "role": s.role},
            "data": s.data,
        }


def envelope(s: Any) -> dict[str, Any]:
    return {
        "type": s.type,
        "occurred_at": s.occurred_at.isoformat(),
        "recorded_by": {"id": f"{s.role}-1", "role": s.role},
        "data": s.data,
    }


def open_journeys(served: Served, token: str, how_many: int) -> list[Journey]:
    """``how_many`` journeys, each with session 1 dosed (8 events), as a clinic posts them."""
    start = datetime.now(UTC).replace(microsecond=0) - OPENED_AGO
    dose_at = start + DOSE_AFTER_OPENING
    client = Client(served, token)
    journeys = []
    try:
        for n in range(how_many):
            opening = {
                "patient_ref": f"MRN-bench-{n}",
                "episode": 1,
                "protocol": "kap-standard",
                "primary_clinician": "dr-lee",
                "presenting_concerns": ["treatment_resistant_depression"],
                "occurred_at": start.isoformat(),
                "recorded_by": {"id": "coordinator-1", "role": "coordinator"},
            }
            code, body = client.post("/v1/journeys", opening)
            if code != 201:
                raise RuntimeError(f"opening a journey answered {code}: {body}")
            journey = Journey(str(body["journey_id"]), dose_at)
            for s in intake(start) + open_session(1, dose_at):
                code, body = client.post(f"/v1/journeys/{journey.id}/events", envelope(s))
                if code != 201:
                    raise RuntimeError(f"{s.type} answered {code}: {body}")
            journeys.append(journey)
    finally:
        client.close()
    return journeys


def stored_events(database_url: str, table: str, ids: list[str] | None = None) -> int:
    with psycopg.connect(database_url) as conn:
        if ids is None:
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        else:
            row = conn.execute(
                f"SELECT count(*) FROM {table} WHERE originator_id = ANY(%s::uuid[])",
                (ids,),
            ).fetchone()
    return int(row[0]) if row else 0


def timed(
    workers: list[Callable[[float, Window, threading.Lock], None]], seconds: float, window: Window
) -> None:
    """Run each worker in its own thread, all starting together, until ``seconds`` pass."""
    lock = threading.Lock()
    barrier = threading.Barrier(len(workers) + 1)
    stop: list[float] = []

    def run(work: Callable[[float, Window, threading.Lock], None]) -> None:
        barrier.wait()
        work(stop[0], window, lock)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop.append(began + seconds)
    barrier.wait()
    for thread in threads:
        thread.join()
    window.seconds = time.monotonic() - began


def http_window(
    served: Served, token: str, journeys: list[Journey], sizes: Sizes, database_url: str
) -> Window:
    """C = len(journeys) connections, each posting VitalsRecorded to its own journey:
    ``sizes.warmup`` seconds untimed (and the projections let catch up), then
    ``sizes.seconds`` timed on the same connections."""
    window = Window(len(journeys))
    clients = [Client(served, token) for _ in journeys]

    def poster(client: Client, journey: Journey) -> Callable[[float, Window, threading.Lock], None]:
        path = f"/v1/journeys/{journey.id}/events"

        def work(stop: float, window: Window, lock: threading.Lock) -> None:
            latencies: list[float] = []
            refused: dict[str, int] = {}
            ok = 0
            while time.monotonic() < stop:
                body = journey.next_vitals()
                began = time.perf_counter()
                code, answer = client.post(path, body)
                latencies.append(time.perf_counter() - began)
                if code == 201:
                    ok += 1
                else:
                    key = f"{code} {answer.get('title', '')}".strip()
                    refused[key] = refused.get(key, 0) + 1
            with lock:
                window.latencies += latencies
                window.appends += ok
                for key, n in refused.items():
                    window.refused[key] = window.refused.get(key, 0) + n

        return work

    ids = [j.id for j in journeys]
    posters = [poster(c, j) for c, j in zip(clients, journeys, strict=True)]
    try:
        warm = Window(len(journeys))
        timed(posters, sizes.warmup, warm)
        if warm.refused:
            raise RuntimeError(f"refused while warming up: {warm.refused}")
        if served.projects:
            wait_caught_up(served)
        before = stored_events(database_url, EVENTS_TABLE, ids)
        timed(posters, sizes.seconds, window)
    finally:
        for client in clients:
            client.close()
    window.events_stored = stored_events(database_url, EVENTS_TABLE, ids) - before
    if served.projects:
        window.catch_up_seconds = wait_caught_up(served)
    return window


def wait_caught_up(served: Served) -> float:
    began = time.monotonic()
    while not served.caught_up():
        if time.monotonic() - began > CATCH_UP_WAIT:
            raise RuntimeError(f"projections still behind after {CATCH_UP_WAIT:.0f} s")
        time.sleep(0.05)
    return time.monotonic() - began


def bare_window(store: Store, threads: int, seconds: float) -> Window:
    """The bare library saving one new event of its own ``Counter`` per thread, per call."""
    window = Window(threads)
    with closing(bare_app(store)) as bare:
        counters = [Counter() for _ in range(threads)]
        bare.save(*counters)

        def saver(counter: Counter) -> Callable[[float, Window, threading.Lock], None]:
            def work(stop: float, window: Window, lock: threading.Lock) -> None:
                latencies: list[float] = []
                ok = 0
                while time.monotonic() < stop:
                    began = time.perf_counter()
                    counter.increment()
                    bare.save(counter)
                    latencies.append(time.perf_counter() - began)
                    ok += 1
                with lock:
                    window.latencies += latencies
                    window.appends += ok

            return work

        before = stored_events(store.url, BARE_TABLE)
        timed([saver(c) for c in counters], seconds, window)
        window.events_stored = stored_events(store.url, BARE_TABLE) - before
    return window


# --- the run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    name: str
    args: tuple[str, ...]
    levels: tuple[int, ...]


def variants(sizes: Sizes) -> list[Variant]:
    high = sizes.levels[-1]
    found = [
        Variant("serve", (), sizes.levels),
        Variant("no_projections", ("--no-projections",), (1,)),
    ]
    found += [Variant(f"workers_{n}", ("--workers", str(n)), (high,)) for n in sizes.workers]
    return found


def measure_variant(variant: Variant, sizes: Sizes, folder: Path) -> dict[str, Any]:
    with postgres_store() as store:
        log = folder / f"{variant.name}.log"
        with serving(store.url, list(variant.args), log) as served:
            token = served.token("clinic_system", f"bench-{variant.name}")
            journeys = open_journeys(served, token, max(variant.levels))
            if served.projects:
                wait_caught_up(served)
            found: dict[str, Any] = {"args": list(variant.args)}
            for c in variant.levels:
                say(f"http: {variant.name} c={c} ...")
                window = http_window(served, token, journeys[:c], sizes, store.url)
                found[f"c{c}"] = window.figures()
    return found


def ratios_and_aims(results: dict[str, Any], sizes: Sizes) -> None:
    high = sizes.levels[-1]
    bare = results["bare"]
    serve = results["variants"]["serve"]
    bare_1 = bare["threads_1"]["appends_per_second"]
    ratios: dict[str, float] = {}
    for c in sizes.levels:
        ratios[f"c{c}_over_bare_1"] = serve[f"c{c}"]["appends_per_second"] / bare_1
    ratios[f"bare_{high}_over_bare_1"] = bare[f"threads_{high}"]["appends_per_second"] / bare_1
    ratios["bare_again_over_bare_1"] = bare["threads_1_again"]["appends_per_second"] / bare_1
    ratios["projections_c1_over_no_projections_c1"] = (
        serve["c1"]["appends_per_second"]
        / results["variants"]["no_projections"]["c1"]["appends_per_second"]
    )
    one_worker = serve[f"c{high}"]["appends_per_second"]
    for n in sizes.workers:
        rate = results["variants"][f"workers_{n}"][f"c{high}"]["appends_per_second"]
        ratios[f"workers_{n}_over_workers_1"] = rate / one_worker
    results["ratios"] = ratios
    results["aims"] = {
        "c1_over_bare_1 >= 0.5": ratios["c1_over_bare_1"] >= 0.5,
        f"c{high}_over_bare_1 >= 2": ratios[f"c{high}_over_bare_1"] >= 2,
        f"p99 at c={high} <= 250 ms": serve[f"c{high}"]["p99_ms"] <= 250,
        "projections cost <= 15 % at c=1": ratios["projections_c1_over_no_projections_c1"] >= 0.85,
    }


def say(line: str) -> None:
    print(line, flush=True)


def run(quick: bool, output: Path) -> dict[str, Any]:
    started = time.perf_counter()
    sizes = QUICK if quick else FULL
    high = sizes.levels[-1]
    results: dict[str, Any] = {
        "machine": describe(postgres_version()),
        "quick": quick,
        "sizes": {
            "levels": list(sizes.levels),
            "seconds": sizes.seconds,
            "warmup": sizes.warmup,
            "workers": list(sizes.workers),
        },
        "bare": {},
        "variants": {},
    }
    with postgres_store() as store:
        for threads in (1, high):
            say(f"http: bare library, {threads} thread(s) ...")
            results["bare"][f"threads_{threads}"] = bare_window(
                store, threads, sizes.seconds
            ).figures()
        with tempfile.TemporaryDirectory(prefix="kap-bench-http-") as folder:
            for variant in variants(sizes):
                results["variants"][variant.name] = measure_variant(variant, sizes, Path(folder))
        say("http: bare library, 1 thread, again ...")
        results["bare"]["threads_1_again"] = bare_window(store, 1, sizes.seconds).figures()
    ratios_and_aims(results, sizes)
    results["seconds"] = time.perf_counter() - started
    results["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    say("")
    say(render(results))
    write_key(output, "http", results)
    say(f"\nWrote the http key of {output} ({results['seconds']:.0f} s in all)")
    return results


def render(results: dict[str, Any]) -> str:
    levels = results["sizes"]["levels"]
    high = levels[-1]
    lines = [
        f"HTTP single appends on PostgreSQL, {results['sizes']['seconds']:.0f} s windows",
        f"  {'':<40}{'appends/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'catch-up s':>12}",
    ]

    def row(label: str, f: dict[str, Any]) -> str:
        catch = f.get("projection_catch_up_seconds")
        catch_cell = "-" if catch is None else f"{catch:.1f}"
        return (
            f"  {label:<40}{f['appends_per_second']:>12.0f}{f['p50_ms']:>10.1f}"
            f"{f['p99_ms']:>10.1f}{catch_cell:>12}"
        )

    bare = results["bare"]
    lines.append(row("bare library, 1 thread", bare["threads_1"]))
    lines.append(row(f"bare library, {high} threads", bare[f"threads_{high}"]))
    for c in levels:
        lines.append(row(f"serve c={c}", results["variants"]["serve"][f"c{c}"]))
    lines.append(row("serve --no-projections c=1", results["variants"]["no_projections"]["c1"]))
    for name, found in results["variants"].items():
        if name.startswith("workers_"):
            n = name.removeprefix("workers_")
            lines.append(row(f"serve --workers {n} c={high}", found[f"c{high}"]))
    lines.append(row("bare library, 1 thread, at the end", bare["threads_1_again"]))
    lines.append("  ratios")
    for name, value in results["ratios"].items():
        lines.append(f"  {name:<52}{value:>10.2f}")
    lines.append("  aims (issue 12)")
    for name, met in results["aims"].items():
        lines.append(f"  {name:<52}{'met' if met else 'MISSED':>10}")
    return "\n".join(lines)
