"""Benchmark 1: loading a journey and deriving its status, with and without snapshots.

``Journeys.status(clinic, id)`` reads the latest snapshot (one every 25 events) and the
events after it, decrypts and decompresses them, folds them into the facts and derives
the status. A journey of ``big`` events (a multiple of 25) loads from a snapshot with no
event after it; ``big + 12`` is the average case and ``big + 24`` the worst, 24 events
after the snapshot; a journey of 20 has no snapshot yet and replays all 20. The ``big``
journey is also loaded by an application without a snapshot store (every event
replayed), and a bare library aggregate of ``big`` events, loaded by a bare Application
on the same database, is the baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from eventsourcing.application import Application
from eventsourcing.cipher import AESCipher

from bench.steps import CLINIC, FIRST_DOSE_AT, journey_of
from bench.stores import Counter, Store, bare_app, journeys
from bench.timing import interleaved_medians

SMALL = 20
TYPICAL_TAIL = 12  # events after the last snapshot, on average (snapshots every 25)
WORST_TAIL = 24  # events after the last snapshot, at most


class _RowsRead:
    """Counts the stored rows the applications' recorders return."""

    def __init__(self, *apps: Application[Any]) -> None:
        self.count = 0
        recorders = [a.events.recorder for a in apps] + [
            a.snapshots.recorder for a in apps if a.snapshots is not None
        ]
        for recorder in {id(r): r for r in recorders}.values():
            recorder.select_events = self._counted(recorder.select_events)  # type: ignore[method-assign]

    def _counted(self, select: Callable[..., Sequence[Any]]) -> Callable[..., Sequence[Any]]:
        def counted(*args: Any, **kwargs: Any) -> Sequence[Any]:
            found = select(*args, **kwargs)
            self.count += len(found)
            return found

        return counted


def run(store: Store, big: int, loads: int) -> dict[str, Any]:
    key = AESCipher.create_key(16)
    now = FIRST_DOSE_AT + timedelta(hours=6)  # later on the day of the open session
    app = journeys(store, key, now)
    unsnapshotted = journeys(store, key, now, snapshots=False)
    bare = bare_app(store)
    try:
        small_id = journey_of(app, "MRN-small", SMALL)
        big_id = journey_of(app, "MRN-big", big)
        typical_id = journey_of(app, "MRN-typical", big + TYPICAL_TAIL)
        worst_id = journey_of(app, "MRN-worst", big + WORST_TAIL)
        counter = Counter()
        for _ in range(big - 1):
            counter.increment()
        bare.save(counter)
        assert bare.repository.get(counter.id).count == big - 1
        assert app.status(CLINIC, big_id).version == big
        assert unsnapshotted.status(CLINIC, big_id).version == big

        variants: dict[str, Callable[[], Any]] = {
            "small": lambda: app.status(CLINIC, small_id),
            "big": lambda: app.status(CLINIC, big_id),
            "typical": lambda: app.status(CLINIC, typical_id),
            "worst": lambda: app.status(CLINIC, worst_id),
            "big_all_events": lambda: unsnapshotted.status(CLINIC, big_id),
            "bare_big": lambda: bare.repository.get(counter.id),
        }
        medians = interleaved_medians(variants, runs=loads)
        # What each timed call loads, and the stored rows (snapshots and events) it
        # reads to do so: a variant that stopped reading cannot pass for a fast one.
        rows = _RowsRead(app, unsnapshotted, bare)
        loaded: dict[str, int] = {}
        rows_read: dict[str, int] = {}
        for name, call in variants.items():
            rows.count = 0
            loaded[name] = call().version
            rows_read[name] = rows.count
    finally:
        for application in (app, unsnapshotted, bare):
            application.close()
    ms = {name: seconds * 1000 for name, seconds in medians.items()}
    return {
        "events": {
            "small": SMALL,
            "big": big,
            "typical": big + TYPICAL_TAIL,
            "worst": big + WORST_TAIL,
        },
        "loads": loads,
        "events_loaded": loaded,
        "rows_read_per_load": rows_read,
        "median_ms": ms,
        "ratios": {
            "big_over_small": ms["big"] / ms["small"],
            "typical_over_small": ms["typical"] / ms["small"],
            "worst_over_small": ms["worst"] / ms["small"],
            "all_events_over_snapshot": ms["big_all_events"] / ms["big"],
            "snapshot_over_bare_all_events": ms["big"] / ms["bare_big"],
        },
    }
