"""What of an entry its hash covers, and sealing it into the journey's chain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.audit.hashing import content_digest, entry_hash


@dataclass(frozen=True)
class Seal:
    salt: str
    digest: str
    hash: str


def entry_content(
    *,
    journey_id: UUID,
    type: str,
    version: int,
    occurred_at: datetime,
    recorded_at: datetime,
    recorded_by: Mapping[str, str],
    source: str,
    idempotency_key: str | None,
    data: Mapping[str, Any],
    corrected: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything stored of an entry (but its seal): changing any of it breaks the chain."""
    content: dict[str, Any] = {
        "journey_id": journey_id,
        "type": type,
        "version": version,
        "occurred_at": occurred_at,
        "recorded_at": recorded_at,
        "recorded_by": dict(recorded_by),
        "source": source,
        "idempotency_key": idempotency_key,
        "data": dict(data),
    }
    if corrected is not None:
        content["corrected"] = dict(corrected)
    return content


def seal(salt: str, content: dict[str, Any], previous_hash: str) -> Seal:
    digest = content_digest(salt, content)
    return Seal(salt, digest, entry_hash(previous_hash, digest))
