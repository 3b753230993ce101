"""Answers of the auditor's endpoints."""

from __future__ import annotations

from typing import Literal, TypeGuard, get_args
from uuid import UUID

from interface.http.schemas.common import WireModel

ProblemKind = Literal[
    "stored_bytes_changed",
    "changed",
    "missing",
    "reordered",
    "unsealed",
    "broken_link",
    "cut_tail",
    "journey_removed",
]
_PROBLEM_KINDS = frozenset(get_args(ProblemKind))


def is_problem_kind(kind: str) -> TypeGuard[ProblemKind]:
    """Whether the verifier's kind (a plain string there) is one the wire names."""
    return kind in _PROBLEM_KINDS


class ChainProblemPublic(WireModel):
    """One thing found wrong with a journey's stored entries."""

    version: int | None
    """The entry's version, if the problem is at one."""
    kind: ProblemKind
    """What is wrong: stored_bytes_changed, changed, missing, reordered, unsealed,
    broken_link, cut_tail or journey_removed."""
    detail: str
    """What was found, as a sentence."""


class VerificationPublic(WireModel):
    """The verdict on a journey's hash chain, naming exactly what broke."""

    journey_id: UUID
    """The journey checked."""
    ok: bool
    """True when every entry is as sealed, chained and present."""
    events_checked: int
    """How many entries were checked."""
    problems: list[ChainProblemPublic]
    """Each problem found; empty when ok."""
