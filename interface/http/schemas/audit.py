"""Answers of the auditor's endpoints."""

from __future__ import annotations

from typing import Literal
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
