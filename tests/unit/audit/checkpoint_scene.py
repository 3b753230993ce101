"""A fake log of plain hashes and a checkpoint service over it, on a throwaway SQLite
database: what the checkpoint service's and the periodic checkpoint's tests share."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import sqlalchemy

from application.audit.checkpoints import CheckpointService
from domain.audit.merkle import leaf_hash
from interface.audit.signing import SigningKey
from interface.storage.checkpoints import SqlCheckpointStore

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def entry(i: int) -> bytes:
    return hashlib.sha256(f"event {i}".encode()).digest()


class FakeLog:
    """Events at store positions 1..n; ``gaps`` are positions with no event."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, bytes]] = []
        self.position = 0
        self.reads = 0

    def add(self, count: int = 1, gap: int = 0) -> None:
        for _ in range(count):
            self.position += 1 + gap
            self.entries.append((self.position, entry(len(self.entries))))

    def leaves(self, upto: int):
        self.reads += 1
        return (e for position, e in self.entries if position <= upto)

    def store_size(self) -> int:
        return self.position

    def hashes(self, n: int | None = None) -> list[bytes]:
        return [leaf_hash(e) for _, e in self.entries[:n]]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=5)
        return self.now


def service_for(
    engine: sqlalchemy.Engine, key: SigningKey, log: FakeLog, **more: object
) -> CheckpointService:
    return CheckpointService(
        SqlCheckpointStore(engine), key, log.leaves, log.store_size, clock=Clock(), **more
    )
