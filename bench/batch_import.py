"""Benchmark: batch import against the bare library saving 20 events per transaction.

Each round imports one chunk of ``journeys x 20`` session notes (1,000 in a full run)
through ``BatchImport.import_chunk``: load each journey once, decide its 20 entries by
its rules, judge each answer's status, encrypt and save them all in one transaction. A
variant also reads each event from its wire form first (``import_item``, as the CLI and
the HTTP route do). The baseline saves 20 new events of each of as many trivial
aggregates per ``save`` (no load, no rules, no cipher), one transaction per aggregate.
Variants take turns round by round; events are counted in the store afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.cipher import AESCipher

from application.batch_import import BatchImport, ImportItem
from application.journeys import Journeys
from bench.steps import CLINIC, FIRST_DOSE_AT, Step, open_journey, opening_steps, session_notes
from bench.stores import BareCounters, Counter, Store, bare_app, journeys
from bench.timing import elapsed
from domain.entries import Actor
from interface.http.batch_items import import_item

PER_JOURNEY = 20


def _item(index: int, journey_id: UUID, step: Step, key: str) -> ImportItem:
    return ImportItem(
        index,
        journey_id,
        step.entry(),
        occurred_at=step.occurred_at,
        recorded_by=Actor(f"{step.role}-1", step.role),
        idempotency_key=key,
    )


def _wire(journey_id: UUID, step: Step, key: str) -> dict[str, Any]:
    return {
        "journey_id": str(journey_id),
        "idempotency_key": key,
        "type": step.type,
        "occurred_at": step.occurred_at.isoformat(),
        "recorded_by": {"id": f"{step.role}-1", "role": step.role},
        "data": step.data,
    }


def _chunk(ids: list[UUID], notes: list[Step], tag: str) -> list[tuple[UUID, Step, str]]:
    """Each journey's notes, journeys side by side (as an export by time lists them)."""
    return [(j, note, f"{tag}-{j}-{n}") for n, note in enumerate(notes) for j in ids]


@dataclass(frozen=True)
class Writer:
    write: Callable[[list[Step]], None]
    stored: Callable[[], int]
    """Its events as read back from its store."""


def _events_of(app: Application[Any], originators: list[UUID]) -> Callable[[], int]:
    return lambda: sum(len(app.recorder.select_events(o)) for o in originators)


def _importer(app: Journeys, ids: list[UUID], wire: bool) -> Writer:
    batch = BatchImport(app)
    tag = "wire" if wire else "case"

    def write(notes: list[Step]) -> None:
        rows = _chunk(ids, notes, f"{tag}-{notes[0].occurred_at.timestamp()}")
        if wire:
            items = [import_item(i, _wire(*row)) for i, row in enumerate(rows)]
        else:
            items = [_item(i, *row) for i, row in enumerate(rows)]
        results = batch.import_chunk(CLINIC, "bench", items)
        assert all(r.outcome == "created" for r in results), results[0]

    return Writer(write, _events_of(app, ids))


def _bare(bare: BareCounters, count: int) -> Writer:
    counters = [Counter() for _ in range(count)]
    bare.save(*counters)

    def write(notes: list[Step]) -> None:
        for counter in counters:
            for _ in notes:
                counter.increment()
            bare.save(counter)  # one transaction of len(notes) events

    return Writer(write, _events_of(bare, [c.id for c in counters]))


def _opened(app: Journeys, count: int, tag: str) -> list[UUID]:
    """Journeys with an open session, opened one by one and brought there in one batch."""
    ids = [open_journey(app, f"MRN-{tag}-{n}") for n in range(count)]
    steps = opening_steps()
    items = [
        _item(i, j, s, f"open-{j}-{n}")
        for i, (j, s, n) in enumerate((j, s, n) for n, s in enumerate(steps) for j in ids)
    ]
    BatchImport(app).import_chunk(CLINIC, "bench", items)
    return ids


def run(store: Store, journey_count: int, rounds: int) -> dict[str, Any]:
    notes = session_notes(PER_JOURNEY * (rounds + 1))
    chunks = [notes[r * PER_JOURNEY : (r + 1) * PER_JOURNEY] for r in range(rounds + 1)]
    warmup, timed = chunks[0], chunks[1:]
    seconds: dict[str, float] = {}
    with ExitStack() as stack:
        now = FIRST_DOSE_AT + timedelta(hours=6)
        app = stack.enter_context(closing(journeys(store, AESCipher.create_key(16), now)))
        bare = stack.enter_context(closing(bare_app(store)))
        writers = {
            "batch_import": _importer(app, _opened(app, journey_count, "case"), wire=False),
            "batch_import_wire": _importer(app, _opened(app, journey_count, "wire"), wire=True),
            "bare_save_20": _bare(bare, journey_count),
        }
        for writer in writers.values():
            writer.write(warmup)
        before = {name: writer.stored() for name, writer in writers.items()}
        for chunk in timed:
            for name, writer in writers.items():
                seconds[name] = seconds.get(name, 0.0) + elapsed(partial(writer.write, chunk))
        stored = {name: writer.stored() - before[name] for name, writer in writers.items()}

    events = journey_count * PER_JOURNEY * rounds
    rates = {name: events / s for name, s in seconds.items()}
    return {
        "journeys": journey_count,
        "events_per_journey_per_chunk": PER_JOURNEY,
        "chunk": journey_count * PER_JOURNEY,
        "rounds": rounds,
        "events": events,
        "events_stored": stored,
        "events_per_second": rates,
        "ratios": {
            "batch_over_bare_20": rates["batch_import"] / rates["bare_save_20"],
            "batch_wire_over_bare_20": rates["batch_import_wire"] / rates["bare_save_20"],
        },
    }


def render(results: dict[str, dict[str, Any]]) -> str:
    lines = ["", "Batch import: chunks of journeys x 20 events, one transaction (events/s)"]
    for kind, r in results.items():
        rate, ratio = r["events_per_second"], r["ratios"]
        lines.append(
            f"  {kind}: {r['chunk']} events per chunk, {r['rounds']} rounds: "
            f"import {rate['batch_import']:.0f}, with wire parsing "
            f"{rate['batch_import_wire']:.0f}, bare save of 20 {rate['bare_save_20']:.0f}; "
            f"ratio {ratio['batch_over_bare_20']:.2f} (wire {ratio['batch_wire_over_bare_20']:.2f},"
            " aim >= 0.8)"
        )
    return "\n".join(lines)
