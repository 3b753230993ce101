"""What the checkpoint listing shows, and what one clinic's auditor may see of it.

A clinic sees the signed checkpoints that recorded one of its journeys, where each of its
journeys stood there, and inclusion proofs of its own events in those: nothing that tells
of another clinic's journeys or of the store's growth between its checkpoints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from application.audit.checkpoints import Checkpoint, CheckpointService, InclusionProof
from application.audit.leaves import leaves

if TYPE_CHECKING:
    from application.journeys import Journeys


def public_listing(service: CheckpointService) -> dict[str, Any]:
    """The body of ``GET /v1/audit/checkpoints``: the public key and every checkpoint."""
    return {
        "public_key": service.key.public_key_b64,
        "key_id": service.key.key_id,
        "algorithm": service.key.algorithm,
        "checkpoints": [checkpoint.public() for checkpoint in service.all()],
    }


# What one clinic's auditor may see (``GET /v1/audit/checkpoints`` and its proofs).


def clinic_checkpoints(service: CheckpointService, clinic_id: str) -> list[Checkpoint]:
    """The signed checkpoints a clinic may see, oldest first: those that recorded a head
    of one of its journeys. The listing and the clinic's evidence bundles both show these."""
    visible = service.clinic_checkpoint_ids(clinic_id)
    return [c for c in service.all() if c.id in visible]


def clinic_listing(service: CheckpointService, clinic_id: str) -> dict[str, Any]:
    """The public key, the signed checkpoints that recorded one of the clinic's journeys,
    and where each of its journeys stood at the latest checkpoint that recorded it.

    Without the stored consistency proofs: each leads from the store's previous
    checkpoint, which the clinic may not see, and its length tells that tree's size. The
    clinic's evidence bundle proves its checkpoints consistent with one another."""
    checkpoints = clinic_checkpoints(service, clinic_id)
    sizes = {c.id: c.tree_size for c in checkpoints}
    heads = service.clinic_heads(clinic_id)
    return {
        "public_key": service.key.public_key_b64,
        "key_id": service.key.key_id,
        "algorithm": service.key.algorithm,
        "checkpoints": [
            {k: v for k, v in c.public().items() if k != "consistency_proof"} for c in checkpoints
        ],
        "journeys": [
            {
                "journey_id": str(journey_id),
                "tree_size": sizes[head.checkpoint],
                "version": head.version,
                "hash": head.hash,
            }
            for journey_id, head in sorted(heads.items(), key=lambda item: str(item[0]))
        ],
    }


def clinic_inclusion(
    service: CheckpointService,
    journeys: Journeys,
    clinic_id: str,
    leaf_index: int,
    tree_size: int,
) -> InclusionProof:
    """The inclusion proof of one of the clinic's own events, in a checkpoint the clinic
    may see. Every other case (no such tree, a tree it may not see, no such event,
    another clinic's event) is the same LookupError, so probing reveals nothing."""
    nothing = LookupError(
        f"No event {leaf_index} of your clinic's journeys in a checkpoint of {tree_size} events."
    )
    try:
        checkpoint = service.checkpoint_of_size(tree_size)
    except LookupError:
        raise nothing from None
    if checkpoint.id not in service.clinic_checkpoint_ids(clinic_id):
        raise nothing
    journey_id = _journey_at(journeys, checkpoint.log_position, leaf_index)
    if journey_id is None or journeys.clinic_of_stored(journey_id) != clinic_id:
        raise nothing
    return service.inclusion(leaf_index, checkpoint.tree_size)


def _journey_at(journeys: Journeys, upto: int, leaf_index: int) -> UUID | None:
    """Whose entry is leaf ``leaf_index`` of the log up to store position ``upto``."""
    for index, leaf in enumerate(leaves(journeys, upto)):
        if index == leaf_index:
            return leaf.journey_id
    return None
