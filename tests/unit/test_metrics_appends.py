"""How an append's outcome is named in kap_appends_total, from a single append's answer
or a batch's results."""

from __future__ import annotations

import json

from prometheus_client import REGISTRY

from application.batch_import import ItemResult
from application.errors import JourneyNotFoundError, VersionMismatchError
from domain.errors import RuleViolationError
from interface.metrics.appends import count_batch, count_single_append, outcome_of


def appends(outcome: str, via: str, rule: str = "") -> float:
    labels = {"outcome": outcome, "rule": rule, "via": via}
    return REGISTRY.get_sample_value("kap_appends_total", labels) or 0.0


def problem(code: str, **more: str) -> bytes:
    return json.dumps({"status": 409, "code": code, **more}).encode()


def test_a_refused_batch_event_is_counted_with_its_rule():
    before = appends("refused", "batch", "J-06")

    count_batch([ItemResult(0, refusal=RuleViolationError("J-06", "no consent yet"))])

    assert appends("refused", "batch", "J-06") == before + 1


def test_errors_that_judge_nothing_are_failures_not_refusals():
    assert outcome_of(JourneyNotFoundError("gone")) == ("failed", "")
    assert outcome_of(VersionMismatchError(3, 4)) == ("failed", "")


def test_a_single_append_is_named_by_its_answer():
    cases = [
        (201, b"", ("stored", "")),
        (200, b"", ("replayed", "")),
        (422, b"", ("invalid", "")),
        (409, problem("protocol_violation", rule="J-14"), ("refused", "J-14")),
        (409, problem("correction_refused"), ("refused", "")),
        (409, problem("write_conflict"), ("failed", "")),
        (409, b"not json", ("failed", "")),
        (503, b"", ("failed", "")),
    ]
    for status, body, (outcome, rule) in cases:
        before = appends(outcome, "single", rule)
        count_single_append(status, body)
        assert appends(outcome, "single", rule) == before + 1, (status, body)


def every_append() -> float:
    return sum(
        sample.value
        for metric in REGISTRY.collect()
        for sample in metric.samples
        if sample.name == "kap_appends_total"
    )


def test_a_caller_that_may_not_append_is_not_counted():
    before = every_append()

    count_single_append(401, b"")
    count_single_append(403, b"")

    assert every_append() == before
