"""Each entry's hash: a salted digest of its canonical content, chained to the previous.

Canonical form (so another language can recompute it):
- JSON with keys sorted, no insignificant white space (separators "," and ":"),
  UTF-8, non-ASCII characters as themselves;
- times as UTC ISO 8601 with microseconds and a Z: ``2026-11-20T17:05:00.000000Z``;
- whole numbers without a decimal point (``35``, also for ``35.0``), other numbers as
  the shortest text that reads back to the same binary64 value (``0.75``);
- UUIDs as lower-case hex with hyphens.

content_digest = SHA-256(canonical({"salt": salt, "content": content}))
entry_hash     = SHA-256(ASCII(previous_hash_hex + ":" + content_digest_hex))

The salt is random per entry and kept inside the encrypted event, so a digest that is
published (or left behind when a patient's data is erased by destroying their key)
never lets anyone confirm a guess of the content. The chain links use digests only:
it verifies with or without the content.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

GENESIS = "0" * 64
"""The "previous hash" of a journey's first entry."""


def _canonical_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("non-finite numbers have no canonical form")
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("times without an offset have no canonical form")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_value(v) for v in value]
    raise TypeError(f"no canonical form for {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        _canonical_value(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def content_digest(salt: str, content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json({"salt": salt, "content": content})).hexdigest()


def entry_hash(previous_hash: str, digest: str) -> str:
    return hashlib.sha256(f"{previous_hash}:{digest}".encode("ascii")).hexdigest()
