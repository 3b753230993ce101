"""The periodic checkpoint of ``serve``: signs new events from its thread until stopped,
and keeps going after a refusal."""

from __future__ import annotations

import threading
import time

from interface.audit.periodic import start_periodic_checkpoints
from tests.unit.audit.checkpoint_scene import entry, service_for


def test_the_periodic_checkpoint_signs_new_events_until_stopped(engine, key, log):
    service = service_for(engine, key, log)
    log.add(2)
    stop = start_periodic_checkpoints(service, every_seconds=0.02)
    try:
        deadline = time.monotonic() + 5
        while not service.all() and time.monotonic() < deadline:
            time.sleep(0.01)
        log.add(3)
        while len(service.all()) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
    assert [c.tree_size for c in service.all()] == [2, 5]
    assert not any(t.name == "kap-checkpoints" and t.is_alive() for t in _after(0.2))


def test_the_periodic_checkpoint_keeps_going_after_a_refusal(engine, key, log, caplog):
    service = service_for(engine, key, log)
    log.add(2)
    service.create()
    log.entries[0] = (log.entries[0][0], entry(999))
    log.add(1)
    stop = start_periodic_checkpoints(service, every_seconds=0.02)
    try:
        deadline = time.monotonic() + 5
        while (
            sum("checkpoint refused" in r.message for r in caplog.records) < 2
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)
    finally:
        stop.set()
    assert sum("checkpoint refused" in r.message for r in caplog.records) >= 2
    assert len(service.all()) == 1


def _after(seconds: float) -> list[threading.Thread]:
    time.sleep(seconds)
    return threading.enumerate()
