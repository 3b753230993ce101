"""Benchmark 2: single-event appends, one journey per writer, writers one after another.

Each ``Journeys.append`` loads the journey (snapshot and the events after it), checks the
rules, encrypts and saves one event, and every 25th event also saves a snapshot. The
baseline is the bare library saving one new event of an in-memory trivial aggregate per
call (no load, no rules, no cipher). On PostgreSQL a raw psycopg loop inserting rows of
the same size into a plain table, one transaction each, shows the database's own floor.

The variants take turns in rounds, so a machine busy with something else for a while
slows them all alike and the ratios stay fair. Each variant's events are counted in its
own store before and after the timed rounds (``events_stored``): a rate is only worth
reporting for events that were really written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from itertools import count
from typing import Any
from uuid import UUID, uuid4

import psycopg
from eventsourcing.application import Application
from eventsourcing.cipher import AESCipher

from application.journeys import Journeys
from bench.steps import FIRST_DOSE_AT, OPENING_EVENTS, Step, journey_of, post, session_notes
from bench.stores import BareCounters, Counter, Store, bare_app, journeys
from bench.timing import elapsed

WRITERS = 4
ROUNDS = 10


@dataclass(frozen=True)
class Writer:
    """One variant: ``write`` appends one event per note for each of its ``WRITERS``
    originators; ``stored`` counts their events as read back from its store."""

    write: Callable[[list[Step]], None]
    stored: Callable[[], int]


def _events_of(app: Application[Any], originators: list[UUID]) -> Callable[[], int]:
    return lambda: sum(len(app.recorder.select_events(o)) for o in originators)


def _journeys_writer(app: Journeys) -> Writer:
    ids = [journey_of(app, f"MRN-writer-{w}", OPENING_EVENTS) for w in range(WRITERS)]

    def write(notes: list[Step]) -> None:
        for journey_id in ids:
            for note in notes:
                post(app, journey_id, note)

    return Writer(write, _events_of(app, ids))


def _stored_size(app: Journeys) -> int:
    """Mean bytes of the last stored events' state (encrypted, compressed)."""
    last = app.recorder.max_notification_id() or 1
    notes = app.recorder.select_notifications(start=max(last - WRITERS + 1, 1), limit=WRITERS)
    return round(sum(len(n.state) for n in notes) / len(notes))


def _bare_writer(bare: BareCounters) -> Writer:
    counters = [Counter() for _ in range(WRITERS)]
    bare.save(*counters)

    def write(notes: list[Step]) -> None:
        for counter in counters:
            for _ in notes:
                counter.increment()
                bare.save(counter)

    return Writer(write, _events_of(bare, [c.id for c in counters]))


def _raw_writer(conn: psycopg.Connection[Any], state_size: int) -> Writer:
    conn.execute(
        "CREATE TABLE raw_events (id bigserial PRIMARY KEY, originator_id uuid NOT NULL,"
        " originator_version integer NOT NULL, topic text NOT NULL, state bytea NOT NULL,"
        " UNIQUE (originator_id, originator_version))"
    )
    conn.commit()
    originators = [(uuid4(), count(1)) for _ in range(WRITERS)]
    state = os.urandom(state_size)

    def write(notes: list[Step]) -> None:
        for originator, versions in originators:
            for _ in notes:
                conn.execute(
                    "INSERT INTO raw_events (originator_id, originator_version, topic, state)"
                    " VALUES (%s, %s, %s, %s)",
                    (originator, next(versions), "bench:VitalsRecorded", state),
                )
                conn.commit()

    def stored() -> int:
        row = conn.execute("SELECT count(*) FROM raw_events").fetchone()
        return int(row[0]) if row else 0

    return Writer(write, stored)


def run(store: Store, per_writer: int) -> dict[str, Any]:
    notes = session_notes(1 + per_writer)
    warmup, timed = notes[:1], notes[1:]
    rounds = min(ROUNDS, per_writer)
    chunks = [timed[r::rounds] for r in range(rounds)]
    seconds: dict[str, float] = {}
    with ExitStack() as stack:
        now = FIRST_DOSE_AT + timedelta(hours=6)
        app = stack.enter_context(closing(journeys(store, AESCipher.create_key(16), now)))
        bare = stack.enter_context(closing(bare_app(store)))
        writers = {"journeys": _journeys_writer(app), "bare_save": _bare_writer(bare)}
        for writer in writers.values():
            writer.write(warmup)
        state_size = _stored_size(app)
        if store.kind == "postgres":
            conn = stack.enter_context(psycopg.connect(store.url))
            writers["raw_psycopg"] = _raw_writer(conn, state_size)
            writers["raw_psycopg"].write(warmup)
        before = {name: writer.stored() for name, writer in writers.items()}
        for chunk in chunks:
            for name, writer in writers.items():
                seconds[name] = seconds.get(name, 0.0) + elapsed(partial(writer.write, chunk))
        # Read back, so a rate is only reported for events that were really stored.
        stored = {name: writer.stored() - before[name] for name, writer in writers.items()}

    events = WRITERS * per_writer
    rates = {name: events / s for name, s in seconds.items()}
    ratios = {"journeys_over_bare": rates["journeys"] / rates["bare_save"]}
    if "raw_psycopg" in rates:
        ratios["journeys_over_raw"] = rates["journeys"] / rates["raw_psycopg"]
        ratios["bare_over_raw"] = rates["bare_save"] / rates["raw_psycopg"]
    return {
        "writers": WRITERS,
        "events": events,
        "rounds": rounds,
        "stored_event_bytes": state_size,
        "events_stored": stored,
        "events_per_second": rates,
        "ms_per_event": {name: 1000 / rate for name, rate in rates.items()},
        "ratios": ratios,
    }
