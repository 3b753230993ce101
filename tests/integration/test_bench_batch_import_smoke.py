"""The batch import benchmark runs, and each variant stored the events it is timed on
(a baseline made a no-op fails here); nothing asserts on a time."""

from __future__ import annotations

from bench import batch_import
from bench.stores import sqlite_store


def test_every_variant_stores_what_it_is_timed_on_and_the_ratios_divide_them():
    with sqlite_store() as store:
        results = batch_import.run(store, journey_count=3, rounds=2)

    assert results["events"] == 3 * batch_import.PER_JOURNEY * 2
    assert results["events_stored"] == dict.fromkeys(
        ("batch_import", "batch_import_wire", "bare_save_20"), results["events"]
    )
    rates = results["events_per_second"]
    assert results["ratios"]["batch_over_bare_20"] == rates["batch_import"] / rates["bare_save_20"]
    assert "aim >= 0.8" in batch_import.render({"sqlite": results})
