"""Answers about the service itself: its health, and the signed checkpoints of its log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from interface.http.schemas.common import WireModel


def _absent(value: object) -> bool:
    return value is None


def _optional(description: str) -> Any:
    """A member left out of the answer when it has no value (as the route builds it)."""
    return Field(default=None, description=description, exclude_if=_absent)


class ProjectionHealthPublic(WireModel):
    """Where one read model stands in the log."""

    position: int | None
    """The last log position it has projected; null before its first round."""
    lag: int | None
    """How many positions it is behind the store; null before its first round."""
    running: bool | None = _optional(
        "Whether this process runs it and its last round went through; left out where "
        "another process projects."
    )


class HealthPublic(WireModel):
    """Is the service up, does its database answer, and are the read models current?"""

    status: Literal["ok", "degraded"]
    """ok, or degraded: the database does not answer (503), or a read model is not well."""
    database: Literal["reachable", "unreachable"]
    """Whether the database answered."""
    store: Literal["postgresql", "sqlite"]
    """Which database the service runs on."""
    projecting: bool | None = _optional(
        "Whether this process holds the projector's lock; left out where it never would."
    )
    projections_running: bool | None = _optional(
        "False when the read models' positions could not be read."
    )
    store_position: int | None = _optional("The log's last position.")
    projections: dict[str, ProjectionHealthPublic] | None = _optional(
        "Each read model (caseload, findings...) by name."
    )
    dead_letters: int | None = _optional(
        "Journeys the read models could not project (kap-journeys project --failures)."
    )


class SignedCheckpointPublic(WireModel):
    """A signed tree head of the whole log (RFC 6962)."""

    tree_size: int
    """How many events the log held."""
    root: str
    """The Merkle tree's root hash (hex)."""
    signed_at: str
    """When it was signed (ISO 8601, UTC)."""
    key_id: str
    """The id of the key that signed it."""
    signature: str
    """The Ed25519 signature (base64) of the checkpoint's message."""
    consistency_proof: list[str] | None = _optional(
        "The proof (hex hashes) that this tree extends the one signed before it; only "
        "with an inclusion proof."
    )


class JourneyCheckpointPublic(WireModel):
    """Where one of the clinic's journeys stood at the latest checkpoint that recorded it."""

    journey_id: str
    """The journey's id."""
    tree_size: int
    """That checkpoint's tree size."""
    version: int
    """The journey's last version in it."""
    hash: str
    """That version's chain hash (hex)."""


class CheckpointsPublic(WireModel):
    """The public key and the checkpoints the auditor's clinic may see."""

    public_key: str
    """The raw Ed25519 public key, base64."""
    key_id: str
    """The key's id."""
    algorithm: str
    """The signature algorithm (Ed25519)."""
    checkpoints: list[SignedCheckpointPublic]
    """The signed checkpoints that recorded one of the clinic's journeys, oldest first."""
    journeys: list[JourneyCheckpointPublic]
    """Each of the clinic's checkpointed journeys."""


class InclusionProofPublic(WireModel):
    """An RFC 6962 inclusion proof of one of the clinic's events in a signed tree."""

    leaf_index: int
    """The event's place in the log, from 0."""
    tree_size: int
    """The signed tree's size."""
    entry: str
    """The event's Merkle entry (hex); the tree's leaf is SHA-256(0x00 || entry)."""
    leaf_hash: str
    """The leaf's hash (hex)."""
    proof: list[str]
    """The audit path, leaf to root (hex hashes)."""
    root: str
    """The root the path leads to (hex): the checkpoint's."""
    checkpoint: SignedCheckpointPublic
    """The signed checkpoint of that tree."""
