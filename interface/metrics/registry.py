"""Every metric this service records as it runs, in one place, so names and labels are
chosen once (docs/metrics.md lists them).

Values recorded here live in the process that records them; with several workers
(``serve --workers N``) prometheus-client's multiprocess mode writes them to files in
``PROMETHEUS_MULTIPROC_DIR`` and a scrape sums them (``interface.metrics.scrape``).
What the database knows (projection lag, checkpoint age) is read at scrape time
instead (``interface.metrics.state``), so every worker answers the same.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UNMATCHED_ROUTE = "unmatched"
"""The route label of a request no route matched (a 404): never the client's path."""

HTTP_REQUESTS = Counter(
    "kap_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "kap_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

APPENDS = Counter(
    "kap_appends",
    "Events sent to journeys, by outcome (stored, replayed, refused, invalid, skipped), "
    "the protocol rule that refused them (refused only) and the way they came "
    "(single or batch).",
    ["outcome", "rule", "via"],
)

WEBHOOK_DELIVERIES = Counter(
    "kap_webhook_deliveries",
    "Webhook delivery attempts, by outcome (delivered; pending: failed, retried later; "
    "failed: failed, no more retries).",
    ["outcome"],
)

POOL_IN_USE = Gauge(
    "kap_db_pool_connections_in_use",
    "Database connections checked out of a pool, summed over live worker processes.",
    ["pool"],
    multiprocess_mode="livesum",
)
POOL_OPEN = Gauge(
    "kap_db_pool_connections_open",
    "Database connections a pool holds open (in use or idle), summed over live workers.",
    ["pool"],
    multiprocess_mode="livesum",
)
POOL_CAPACITY = Gauge(
    "kap_db_pool_connections_max",
    "The most connections a pool may open, summed over live worker processes.",
    ["pool"],
    multiprocess_mode="livesum",
)


def count_webhook_delivery(outcome: str) -> None:
    """One delivery attempt, named by the status it leaves the delivery in
    (``application.webhooks_delivery``): ``delivered`` (a 2xx), ``pending`` (failed,
    retried later) or ``failed`` (failed, no more retries). For the webhook code of the
    interface layer to call where it records an attempt (the application layer cannot
    import this)."""
    WEBHOOK_DELIVERIES.labels(outcome=outcome).inc()
