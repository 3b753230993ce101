"""One scrape: this process's metrics (or, with several workers, every worker's summed
from ``PROMETHEUS_MULTIPROC_DIR``), then what the database knows, in Prometheus text.

A worker killed without a goodbye (SIGKILL, out of memory) leaves its live gauges (pool
use) behind; each scrape forgets those of processes that no longer exist, so they stop
counting. Its counters stay: they are totals, and a total must not go down.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

from interface.metrics.state import DatabaseState
from interface.services import Services

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
"""The text format every Prometheus version reads (the names here need nothing newer)."""
LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


def multiprocess_dir() -> str | None:
    """Where workers write their metrics, when this process is one of several."""
    return os.environ.get(MULTIPROCESS_ENV) or None


class ThisProcess(Collector):
    """The metrics this process recorded (prometheus-client's default registry)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


class AllWorkers(Collector):
    """Every worker's metrics, summed from their files."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.files = MultiProcessCollector(None, path=directory)  # type: ignore[no-untyped-call]

    def collect(self) -> Iterator[Metric]:
        forget_dead_workers(Path(self.directory))
        yield from self.files.collect()  # type: ignore[no-untyped-call]


def forget_dead_workers(directory: Path) -> list[int]:
    """Remove the live gauges of processes that are gone; their pids."""
    gone = set()
    for file in directory.glob("gauge_live*.db"):
        found = LIVE_GAUGE_FILE.match(file.name)
        if found and not _alive(int(found.group(1))):
            gone.add(int(found.group(1)))
    for pid in gone:
        mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]
    return sorted(gone)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def scrape_registry(services: Services) -> CollectorRegistry:
    """What a scrape reads: the recorded metrics, then the database's state."""
    registry = CollectorRegistry(auto_describe=False)
    directory = multiprocess_dir()
    registry.register(AllWorkers(directory) if directory else ThisProcess())
    registry.register(DatabaseState(services))
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)
