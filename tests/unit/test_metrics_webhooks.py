"""The counter the webhook code calls, as a scrape names it."""

from __future__ import annotations

from prometheus_client import REGISTRY

from interface.metrics.registry import count_webhook_delivery


def deliveries(outcome: str) -> float:
    found = REGISTRY.get_sample_value("kap_webhook_deliveries_total", {"outcome": outcome})
    return found or 0.0


def test_each_attempt_is_counted_under_the_status_it_leaves():
    before = {outcome: deliveries(outcome) for outcome in ("delivered", "pending", "failed")}

    count_webhook_delivery("pending")
    count_webhook_delivery("pending")
    count_webhook_delivery("delivered")

    assert deliveries("pending") == before["pending"] + 2
    assert deliveries("delivered") == before["delivered"] + 1
    assert deliveries("failed") == before["failed"]
