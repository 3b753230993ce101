"""What the database knows, read at each scrape: the log's position, each read model's
position and lag, and how old the last signed checkpoint is.

Read at scrape time rather than recorded as it changes, so any worker (or the separate
metrics listener) answers the same numbers, and a number never goes stale in a worker
that stopped serving. A database that does not answer leaves these out and says so in
``kap_database_read``; the scrape itself still answers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from interface.services import Services
from interface.storage.checkpoints import SqlCheckpointStore

log = logging.getLogger("kap.metrics")


class DatabaseState(Collector):
    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[Metric]:
        read = GaugeMetricFamily(
            "kap_database_read",
            "1 if this scrape read the log, read model and checkpoint positions; 0 if the "
            "database did not answer (those metrics are then left out).",
        )
        try:
            found = list(self._state())
        except Exception as error:  # a scrape answers whatever the database does
            log.warning("metrics: database state not read (%s)", type(error).__name__)
            read.add_metric([], 0)
            yield read
            return
        read.add_metric([], 1)
        yield read
        yield from found

    def _state(self) -> Iterator[Metric]:
        services = self.services
        store = services.journeys.log_position()
        yield _gauge("kap_store_position", "The position of the last event in the log.", store)
        positions = GaugeMetricFamily(
            "kap_projection_position",
            "The log position each read model has projected up to.",
            labels=["read_model"],
        )
        lag = GaugeMetricFamily(
            "kap_projection_lag_events",
            "How many positions of the log each read model is behind the store.",
            labels=["read_model"],
        )
        for name, position in sorted(services.projection_positions().items()):
            if position is not None:  # not set up yet: no position to report
                positions.add_metric([name], position)
                lag.add_metric([name], store - position)
        yield positions
        yield lag
        yield _gauge(
            "kap_projection_dead_letters",
            "Journeys the live read models could not project (kap-journeys project --failures).",
            services.projection_dead_letters(),
        )
        latest = SqlCheckpointStore(services.engine).latest()
        if latest is not None:
            signed_at = datetime.fromisoformat(latest.signed_at)
            age = (services.clock() - signed_at).total_seconds()
            yield _gauge(
                "kap_checkpoint_age_seconds",
                "Seconds since the last signed checkpoint (absent before the first).",
                max(age, 0.0),
            )
            yield _gauge(
                "kap_checkpoint_unsigned_events",
                "Positions of the log after the last signed checkpoint.",
                max(store - latest.log_position, 0),
            )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)
