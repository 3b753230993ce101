"""Appends counted by outcome: ``stored``, ``replayed`` (an idempotency key seen
before), ``refused`` (a protocol rule, named in ``rule``; or a correction refused),
``invalid`` (the event is not acceptable as sent), ``skipped`` (a batch's later event
of a journey whose earlier one was refused) and ``failed`` (neither stored nor judged:
an unknown journey, a stale If-Match, a write conflict, a database away).

A single append is counted from its answer, which says all of it (201 stored, 200
replayed, 409 with the problem's ``rule``, 413/415/422 invalid): that counts the events
refused before the route runs too (their data is checked as the body is read). A batch
answers 200 whatever its events did, so it is counted from its results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from fastapi.exceptions import RequestValidationError

from application.batch_import import InvalidItemError, ItemResult
from application.errors import EntryNotFoundError, IdempotencyKeyReusedError
from domain.errors import (
    ClinicSettingError,
    CorrectionRefusedError,
    RuleViolationError,
    UnknownProtocolError,
)
from interface.metrics.registry import APPENDS

SINGLE_APPEND = ("POST", "/v1/journeys/{journey_id}/events")
"""The single append's method and route template."""

INVALID_STATUSES = frozenset({413, 415, 422})
NOT_AN_ATTEMPT = frozenset({401, 403})
"""A caller that may not append: no event was sent to a journey."""

INVALID = (
    RequestValidationError,
    InvalidItemError,
    EntryNotFoundError,
    IdempotencyKeyReusedError,
    ClinicSettingError,
    UnknownProtocolError,
)
"""What the service answers 422 for: the event itself is not acceptable as sent."""


def _count(outcome: str, rule: str, via: str) -> None:
    APPENDS.labels(outcome=outcome, rule=rule, via=via).inc()


def count_single_append(status: int, body: bytes) -> None:
    """Count one answer of the single append; ``body`` is read for a 409 only."""
    if status in NOT_AN_ATTEMPT:
        return
    if status in (200, 201):
        _count("stored" if status == 201 else "replayed", "", "single")
    elif status in INVALID_STATUSES:
        _count("invalid", "", "single")
    elif status == 409:
        _count(*_conflict_outcome(body), "single")
    else:
        _count("failed", "", "single")


def _conflict_outcome(body: bytes) -> tuple[str, str]:
    try:
        problem = json.loads(body)
    except ValueError:
        return "failed", ""
    code = problem.get("code") if isinstance(problem, dict) else None
    if code == "protocol_violation":
        return "refused", str(problem.get("rule") or "")
    return ("refused", "") if code == "correction_refused" else ("failed", "")


def outcome_of(error: Exception) -> tuple[str, str]:
    """The outcome and rule label of a batch's event refused with ``error``."""
    if isinstance(error, RuleViolationError):
        return "refused", error.rule
    if isinstance(error, CorrectionRefusedError):
        return "refused", ""
    if isinstance(error, INVALID):
        return "invalid", ""
    return "failed", ""


def count_batch(results: Iterable[ItemResult]) -> None:
    """Count each event of a batch by its outcome."""
    for result in results:
        if result.answer is not None:
            _count("replayed" if result.answer.replayed else "stored", "", "batch")
        elif result.refusal is not None:
            _count(*outcome_of(result.refusal), "batch")
        else:
            _count("skipped", "", "batch")
