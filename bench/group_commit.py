"""A short look at group commit: ``Journeys.append`` from C threads at once, each on its
own journey, for a few seconds, with appends written together (the default) against
each written alone, and with journeys kept in memory between appends. Figures are
appends per second and ratios against ``alone`` at c=1 in the same run; not a test.

    .venv/bin/python -m bench.group_commit [seconds] [concurrency ...]
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from itertools import count
from typing import Any
from uuid import UUID

from eventsourcing.cipher import AESCipher

from application.group_commit import GroupCommit
from application.journeys import Journeys
from bench.steps import FIRST_DOSE_AT, OPENING_EVENTS, journey_of, post, session_notes
from bench.stores import FixedClock, postgres_store
from interface.storage.environment import store_environment


class WrittenAlone(GroupCommit):
    """Each append in its own transaction, as before group commit."""

    def write(self, journey_id: UUID, entries: Any, journey: Any) -> Any:
        recordings = self._save(*entries, journey)
        return [r for r in recordings if r.domain_event.originator_id == journey_id]


def rate(app: Journeys, writers: int, seconds: float, label: str) -> float:
    ids = [journey_of(app, f"MRN-{label}-{w}", OPENING_EVENTS) for w in range(writers)]
    notes = session_notes(100_000)
    done = count()
    stop = time.monotonic() + seconds
    start = threading.Barrier(writers)

    def write(journey_id: UUID) -> None:
        start.wait()
        for note in notes:
            if time.monotonic() >= stop:
                return
            post(app, journey_id, note)
            next(done)

    threads = [threading.Thread(target=write, args=(j,)) for j in ids]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (next(done)) / (time.monotonic() - began)


def main(seconds: float, levels: list[int]) -> None:
    variants: dict[str, Callable[[Journeys], None]] = {
        "alone": lambda app: setattr(app, "group_commit", WrittenAlone(app.save)),
        "together": lambda app: None,
    }
    with postgres_store() as store:
        key = AESCipher.create_key(16)
        figures: dict[str, float] = {}
        for kept in (0, 1000):
            env = store_environment(store.url, key, keep_aggregates=kept)
            app = Journeys(env=env, clock=FixedClock(FIRST_DOSE_AT))
            try:
                for name, configure in variants.items():
                    configure(app)
                    for c in levels:
                        label = f"{name}{'+kept' if kept else ''} c={c}"
                        figures[label] = rate(app, c, seconds, label.replace(" ", "-"))
            finally:
                app.close()
        base = figures[f"alone c={levels[0]}"]
        for label, value in figures.items():
            print(f"{label:24} {value:8.1f} appends/s  {value / base:5.2f}x")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(float(arguments[0]) if arguments else 3.0, [int(a) for a in arguments[1:]] or [1, 16])
