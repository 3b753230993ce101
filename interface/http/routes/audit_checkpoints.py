"""Signed checkpoints of the whole log (RFC 6962 Merkle tree) and their public key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from application.audit.checkpoints import InconsistentLogError
from application.audit.clinic_checkpoints import clinic_inclusion, clinic_listing
from interface.http.deps import Auditor, ServicesDep
from interface.http.problems import problem
from interface.http.schemas import Problem
from interface.http.schemas.service import CheckpointsPublic, InclusionProofPublic

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/checkpoints", operation_id="listCheckpoints")
def list_checkpoints(services: ServicesDep, principal: Auditor) -> CheckpointsPublic:
    """The public key (raw Ed25519, base64), the signed checkpoints that recorded one of
    the auditor's clinic's journeys (oldest first), and where each of its journeys stood
    at the latest checkpoint that recorded it.

    Each signature covers the UTF-8 bytes ``"kap-journeys checkpoint v1\\n{tree_size}\\n
    {root}\\n{signed_at}\\n{key_id}\\n"``. No consistency proofs here: each stored one
    leads from a checkpoint the clinic may not see; the clinic's evidence bundle proves
    its checkpoints consistent with one another.

    What a clinic may know: a signed tree head states how many events the whole store
    (every clinic) held, and a proof states its event's place in that log, so a clinic
    sees them only where its own evidence needs them: the checkpoints that recorded its
    own journeys, and proofs of its own events. It never sees the checkpoints between
    (no running count of other clinics' activity), any other clinic's journey, head or
    proof, and nothing at all before it has a checkpointed journey. Heads recorded before
    heads named their clinic are the operator's only. The full chain of checkpoints and
    proofs of any event are the operator's: ``kap-journeys audit checkpoints`` and
    ``audit inclusion``.
    """
    return CheckpointsPublic.model_validate(
        clinic_listing(services.checkpoints, principal.clinic_id)
    )


@router.get(
    "/checkpoints/{tree_size}/inclusion/{leaf_index}",
    operation_id="getInclusionProof",
    response_model=InclusionProofPublic,
    responses={
        404: {
            "model": Problem,
            "description": "not_found: no event of the clinic's at that place, or no "
            "signed tree of that size it may see (the same answer either way).",
        },
        409: {"model": Problem, "description": "log_inconsistent: the log was altered."},
    },
)
def inclusion(
    services: ServicesDep,
    principal: Auditor,
    tree_size: Annotated[int, Path(ge=1, le=10**15, description="A checkpoint's tree size.")],
    leaf_index: Annotated[
        int, Path(ge=0, le=10**15, description="The event's place in the log, from 0.")
    ],
) -> Any:
    """RFC 6962 inclusion proof of one of the clinic's own events (by its place in the
    log) in a signed tree the clinic may see; any other event or tree is not found, with
    the same answer whether or not it exists."""
    try:
        found = clinic_inclusion(
            services.checkpoints, services.journeys, principal.clinic_id, leaf_index, tree_size
        )
    except LookupError as error:
        return problem(404, "not_found", str(error))
    except InconsistentLogError as error:
        return problem(409, "log_inconsistent", str(error), "The log was altered")
    return {
        "leaf_index": found.leaf_index,
        "tree_size": found.tree_size,
        "entry": found.entry,
        "leaf_hash": found.leaf_hash,
        "proof": found.proof,
        "root": found.root,
        "checkpoint": found.checkpoint.public(),
    }
