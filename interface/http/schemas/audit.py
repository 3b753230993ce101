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
    kind: ProblemKind
    detail: str


class VerificationPublic(WireModel):
    """The verdict on a journey's hash chain, naming exactly what broke."""

    journey_id: UUID
    ok: bool
    events_checked: int
    problems: list[ChainProblemPublic]
