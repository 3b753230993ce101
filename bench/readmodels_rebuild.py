"""Rebuilding the read models from the log, against loops that only read the log.

A rebuild is what ``kap-journeys rebuild`` does: a fresh generation of a read model,
filled by ``Projector.rebuild()`` with batches of 2,000 journeys, each journey loaded
once at its last version (its latest snapshot plus the events after it), its rows
derived and written. Each rebuild runs in a child process of its own, so its peak
memory (``VmHWM``) is its own and not the generator's or another rebuild's; the same
child reports where its time went (positions query, journey loads, row derivation,
writes), measured by wrapping those calls.

The baselines read the same log in the same run, in the parent:

- ``raw_psycopg``: a server-side cursor over every row of the events table, fetched
  2,000 at a time, each row touched (its state's length summed). The floor of any
  reader of this log.
- ``select_notifications``: the library's own paging through the log, 2,000 a time.
- ``decode``: the same paging, every event also decrypted, decompressed and turned
  back into a domain event (``mapper.to_domain_event``), on a slice: what a projection
  that read every event (instead of loading each journey once) would pay per event.

The part of a rebuild whose memory grew with the log until issue 12, its journeys
with their last versions (``latest_versions``, now a page at a time), is also run alone
in a child at both sizes.

The live path, ``Projector.catch_up()`` from position 0 with batches of ``BATCH_SIZE`` events,
runs on the first events of the log for comparison: as the project runs it (each batch
folds its events onto the journey states kept from the batch before, and loads the
others in bulk), and with no states kept (every journey of a batch loaded).

What-if (the project's code before issue 12, not its configuration), on the caseload,
checked to give exactly the rows of the project's rebuild: journeys loaded one by one
through the library's recorders (two queries per journey) instead of in bulk (two
queries per page of journeys, ``interface.storage.readmodels.records``).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg.sql import SQL, Identifier

from application.journey_log import LATEST_VERSIONS_PAGE, each_latest_version
from application.journeys import Journeys
from application.projections.loading import RecordsOneByOne
from application.projections.projector import BATCH_SIZE
from bench.steps import START
from bench.stores import Store, journeys

REBUILD_BATCH = 2000  # journeys per transaction, as `kap-journeys rebuild`
LIVE_BATCH = BATCH_SIZE  # events per batch, as the live projector
SCAN_BATCH = 2000  # rows per fetch of the baselines
NOW = START + timedelta(days=400)
WHAT_IF: list[tuple[str, str, dict[str, str] | None]] = [
    ("journeys loaded one by one (before issue 12)", "rebuild_one_by_one", None),
]
UNKEPT = "caseload, no states kept"
"""The live catch-up of the caseload with no journey state kept between batches."""


def memory_kb(field: str) -> int:
    """A ``VmRSS``/``VmHWM`` line of this process's /proc status, in kB (0 if none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class _Clock:
    """Sums the seconds spent in the wrapped calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed


def _wrap_loads_in_detail(app: Journeys, records: Any, clock: _Clock) -> None:
    """Split a journey load: database reads (snapshot and events), decryption, the rest
    of decoding (decompress, JSON, event objects), and what is left (the fold)."""
    assert app.snapshots is not None, "the journeys application keeps snapshots"
    for recorder in {id(r): r for r in (app.events.recorder, app.snapshots.recorder)}.values():
        recorder.select_events = clock.wrap("load: db reads", recorder.select_events)  # type: ignore[method-assign]
    if not isinstance(records, RecordsOneByOne):  # bulk reads, not through the recorders
        records.snapshots = clock.wrap("load: db reads", records.snapshots)
        records.events = clock.wrap("load: db reads", records.events)
    mappers = {id(m): m for m in (app.mapper, app.events.mapper, app.snapshots.mapper)}
    for mapper in mappers.values():
        mapper.to_domain_event = clock.wrap("load: decode", mapper.to_domain_event)  # type: ignore[method-assign]
    ciphers = {id(m.cipher): m.cipher for m in mappers.values() if m.cipher is not None}
    for cipher in ciphers.values():
        cipher.decrypt = clock.wrap("load: decrypt", cipher.decrypt)  # type: ignore[method-assign]


def project(
    url: str,
    key: str,
    shape_name: str,
    mode: str,
    end: int,
    batch: int,
    detail: bool = False,
    env_overrides: dict[str, str] | None = None,
) -> dict[str, Any]:
    """In a fresh process: build a new generation of one read model up to ``end`` by
    ``rebuild`` or by ``catch_up`` (the live path), timed, with its peak memory;
    ``rebuild_one_by_one`` loads each journey through the library's recorders, and
    ``catch_up_unkept`` keeps no journey state between batches.

    ``detail`` also splits the journey loads (a few per cent slower: more wrapped calls);
    ``env_overrides`` changes the store's configuration (a what-if, not the project's)."""
    rss_at_start = memory_kb("VmRSS")
    from sqlalchemy import func, select

    from bench.stores import FixedClock
    from interface.readmodels.runtime import projector_for
    from interface.storage.engine import create_sql_engine
    from interface.storage.environment import store_environment
    from interface.storage.readmodels.generations import Generations
    from interface.storage.readmodels.tables import SHAPES

    shape = SHAPES[shape_name]
    if env_overrides:
        env = {**store_environment(url, key), **env_overrides}
        app = Journeys(env=env, clock=FixedClock(NOW))
    else:
        app = journeys(Store("postgres", url, {}), key, NOW)
    engine = create_sql_engine(url)
    registry = Generations(engine)
    fresh = registry.start(shape)
    projector = projector_for(
        app, engine, registry, shape, generation=fresh.generation, batch_size=batch
    )
    if mode == "rebuild_one_by_one":
        projector.loader.records = RecordsOneByOne(app)
    if mode == "catch_up_unkept":
        projector.followed.size = 0
    clock = _Clock()
    target: Any = projector.target
    target.rows_of = clock.wrap("rows", target.rows_of)
    apply = clock.wrap("apply", target.apply)
    target.apply = apply
    loaded = [0]  # journeys loaded from the store (not folded on from a kept state)
    load_from_store = projector.load

    def counted(versions: Any, position: int) -> Any:
        loaded[0] += len(versions)
        return load_from_store(versions, position)

    any_projector: Any = projector
    if mode.startswith("catch_up"):
        any_projector.load = counted
        any_projector.follow = clock.wrap("load", projector.follow)
    else:
        any_projector.load = clock.wrap("load", counted)
    log: Any = app.journey_log
    log.latest_versions = clock.wrap("positions", log.latest_versions)
    log.journey_count = clock.wrap("positions", log.journey_count)
    if detail:
        _wrap_loads_in_detail(app, projector.loader.records, clock)
    rss_before = memory_kb("VmRSS")
    started = time.perf_counter()
    if mode == "positions":  # only the rebuild's journey pages: what grew with the log
        pages = each_latest_version(log, end, batch or LATEST_VERSIONS_PAGE)
        done = sum(len(page) for page in pages)
    elif mode.startswith("rebuild"):
        done = projector.rebuild(end)
    else:  # catch_up, catch_up_unkept
        done = projector.catch_up(end)
    seconds = time.perf_counter() - started
    with engine.connect() as connection:
        rows = connection.execute(
            select(func.count()).select_from(shape.table(fresh.generation))
        ).scalar_one()
    parts = dict(clock.seconds)
    parts["write"] = parts.pop("apply", 0.0) - parts.get("rows", 0.0)
    if detail:
        decode = parts.get("load: decode", 0.0)
        parts["load: decode"] = decode - parts.get("load: decrypt", 0.0)
        parts["load: fold"] = parts["load"] - parts.get("load: db reads", 0.0) - decode
    top = ("positions", "load", "rows", "write")
    parts["other"] = seconds - sum(parts.get(name, 0.0) for name in top)
    result = {
        "read_model": shape_name,
        "mode": mode,
        "end": end,
        "batch": batch,
        "seconds": seconds,
        "events_per_second": end / seconds,
        "journeys_loaded": loaded[0],
        "env_overrides": env_overrides or {},
        "table": shape.table_name(fresh.generation),
        "projected": done,
        "rows": rows,
        "seconds_in": parts,
        "calls_in": dict(clock.calls),
        "rss_at_start_mb": rss_at_start / 1024,
        "rss_before_mb": rss_before / 1024,
        "peak_rss_mb": memory_kb("VmHWM") / 1024,
    }
    app.close()
    engine.dispose()
    return result


def in_child(*args: Any) -> dict[str, Any]:
    """``project(*args)`` in a fresh (spawned) process: its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(project, *args).result()


def differing_rows(url: str, first: str, second: str) -> int:
    """Rows in one table and not the other, both ways (0: the same rows)."""
    a, b = Identifier(first), Identifier(second)
    statement = SQL(
        "SELECT (SELECT count(*) FROM (TABLE {a} EXCEPT ALL TABLE {b}) AS x)"
        " + (SELECT count(*) FROM (TABLE {b} EXCEPT ALL TABLE {a}) AS y)"
    ).format(a=a, b=b)
    with psycopg.connect(url) as conn:
        row = conn.execute(statement).fetchone()
    return int(row[0]) if row else -1


def raw_scan(url: str, table: str) -> dict[str, Any]:
    """Every row of the events table through a server-side cursor, each row touched."""
    statement = SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state "
        "FROM {table} ORDER BY notification_id"
    ).format(table=Identifier(table))
    rows = size = 0
    started = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor(name="bench_scan") as cursor:
        cursor.itersize = SCAN_BATCH
        cursor.execute(statement)
        while batch := cursor.fetchmany(SCAN_BATCH):
            for row in batch:
                rows += 1
                size += len(row[4])
    seconds = time.perf_counter() - started
    return {"events": rows, "seconds": seconds, "events_per_second": rows / seconds, "bytes": size}


def library_scan(app: Journeys, end: int, decode: bool = False) -> dict[str, Any]:
    """The library's ``select_notifications`` paging up to ``end``; optionally every
    event decoded back into a domain event too (decrypt, decompress, JSON, class)."""
    recorder, mapper = app.recorder, app.mapper
    events = decoded = size = 0
    position = 1
    started = time.perf_counter()
    while position <= end:
        page = recorder.select_notifications(position, SCAN_BATCH, stop=end)
        if not page:
            break
        for notification in page:
            events += 1
            size += len(notification.state)
            if decode:
                event = mapper.to_domain_event(notification)
                decoded += event.originator_version == notification.originator_version
        position = page[-1].id + 1
    seconds = time.perf_counter() - started
    found = {"events": events, "seconds": seconds, "events_per_second": events / seconds}
    if decode:
        found["decoded"] = decoded
    return found


def _median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ordered = sorted(runs, key=lambda r: r["seconds"])
    best = dict(ordered[len(ordered) // 2])
    best["all_events_per_second"] = [r["events_per_second"] for r in runs]
    best["all_events"] = [r["events"] for r in runs]  # each run must read the whole log
    return best


def run(
    store: Store, key: str, app: Journeys, events: int, say: Callable[[str], None]
) -> dict[str, Any]:
    """The rebuild figures on a store already holding ``events`` events."""
    from interface.storage.environment import events_table_name

    table = events_table_name(app.recorder)
    small = max(events // 10, 1)
    live_slice = min(50_000, events)
    decode_slice = min(100_000, events)
    say(f"  baseline: raw psycopg scan of {events:,} events (3 runs) ...")
    raw = [raw_scan(store.url, table) for _ in range(3)]
    say("  baseline: library select_notifications (3 runs) ...")
    library = [library_scan(app, events) for _ in range(3)]
    say(f"  baseline: decode every event, first {decode_slice:,} ...")
    decoded = library_scan(app, decode_slice, decode=True)
    rebuilds: dict[str, Any] = {}
    for shape in ("caseload", "findings"):
        say(f"  rebuild {shape}, {events:,} events (child process) ...")
        rebuilds[shape] = in_child(store.url, key, shape, "rebuild", events, REBUILD_BATCH, True)
        say(
            f"    {rebuilds[shape]['events_per_second']:,.0f} events/s, "
            f"peak {rebuilds[shape]['peak_rss_mb']:.0f} MB"
        )
    small_rebuilds: dict[str, Any] = {}
    for shape in ("caseload", "findings"):
        say(f"  rebuild {shape}, first {small:,} events (child process) ...")
        small_rebuilds[shape] = in_child(
            store.url, key, shape, "rebuild", small, REBUILD_BATCH, True
        )
    live: dict[str, Any] = {}
    for shape in ("caseload", "findings"):
        say(f"  live catch_up {shape}, first {live_slice:,} events, batch {LIVE_BATCH} ...")
        live[shape] = in_child(store.url, key, shape, "catch_up", live_slice, LIVE_BATCH, True)
    say(f"  live catch_up caseload, no states kept, first {live_slice:,} events ...")
    live[UNKEPT] = in_child(
        store.url, key, "caseload", "catch_up_unkept", live_slice, LIVE_BATCH, True
    )
    positions: dict[str, Any] = {}
    for end in (small, events):
        say(f"  memory of the positions query alone, {end:,} events ...")
        positions[str(end)] = in_child(store.url, key, "caseload", "positions", end, 0)
    what_if: dict[str, Any] = {}
    for name, mode, env in WHAT_IF:
        say(f"  what-if, caseload rebuild: {name} ...")
        result = in_child(store.url, key, "caseload", mode, events, REBUILD_BATCH, False, env)
        result["differing_rows"] = differing_rows(
            store.url, rebuilds["caseload"]["table"], result["table"]
        )
        result["over_rebuild"] = (
            result["events_per_second"] / rebuilds["caseload"]["events_per_second"]
        )
        what_if[name] = result
        say(
            f"    {result['events_per_second']:,.0f} events/s, "
            f"{result['differing_rows']} rows differ from the project's rebuild"
        )
    say("  baseline: raw psycopg scan again ...")
    raw.append(raw_scan(store.url, table))
    raw_rate = _median_of(raw)["events_per_second"]
    library_rate = _median_of(library)["events_per_second"]
    ratios = {}
    for shape, result in rebuilds.items():
        rate = result["events_per_second"]
        ratios[f"{shape}_over_raw_psycopg"] = rate / raw_rate
        ratios[f"{shape}_over_select_notifications"] = rate / library_rate
        ratios[f"{shape}_over_live_catch_up"] = rate / live[shape]["events_per_second"]
        ratios[f"live_{shape}_over_decode_every_event"] = (
            live[shape]["events_per_second"] / decoded["events_per_second"]
        )
        ratios[f"{shape}_peak_rss_full_over_small"] = (
            result["peak_rss_mb"] / small_rebuilds[shape]["peak_rss_mb"]
        )
    ratios["live_caseload_over_no_states_kept"] = (
        live["caseload"]["events_per_second"] / live[UNKEPT]["events_per_second"]
    )
    both = sum(r["seconds"] for r in rebuilds.values())
    return {
        "events": events,
        "small_events": small,
        "rebuild_batch": REBUILD_BATCH,
        "baselines": {
            "raw_psycopg": _median_of(raw),
            "select_notifications": _median_of(library),
            "decode_every_event": decoded,
        },
        "rebuild": rebuilds,
        "rebuild_both_events_per_second": events / both,
        "rebuild_small": small_rebuilds,
        "live_catch_up": live,
        "what_if_caseload": what_if,
        "positions_only": positions,
        "ratios": ratios,
    }
