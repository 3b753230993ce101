"""Signed checkpoints of the whole log (RFC 6962 Merkle tree) and their public key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from interface.audit.checkpoints import (
    InconsistentLog,
    checkpoint_service_for,
    public_listing,
)
from interface.audit.signing import BadSigningKey, MissingSigningKey
from interface.http.deps import Auditor, ServicesDep
from interface.http.problems import problem
from interface.services import Services

router = APIRouter(prefix="/v1/audit", tags=["audit"])


def _service_or_problem(services: Services) -> Any:
    try:
        return checkpoint_service_for(services)
    except (MissingSigningKey, BadSigningKey) as error:
        return problem(503, "signing_key_unavailable", str(error), "Signing key unavailable")


@router.get("/checkpoints")
def list_checkpoints(services: ServicesDep, _: Auditor) -> Any:
    """The public key (raw Ed25519, base64) and every signed checkpoint, oldest first.

    Each signature covers the UTF-8 bytes ``"kap-journeys checkpoint v1\\n{tree_size}\\n
    {root}\\n{signed_at}\\n{key_id}\\n"``; each ``consistency_proof`` (RFC 6962, hex)
    proves the tree extends the previous checkpoint's.
    """
    service = _service_or_problem(services)
    if isinstance(service, JSONResponse):
        return service
    return public_listing(service)


@router.get("/checkpoints/{tree_size}/inclusion/{leaf_index}")
def inclusion(
    services: ServicesDep,
    _: Auditor,
    tree_size: Annotated[int, Path(ge=1, description="A checkpoint's tree size.")],
    leaf_index: Annotated[int, Path(ge=0, description="The event's place in the log, from 0.")],
) -> Any:
    """RFC 6962 inclusion proof of one event (by its place in the log) in a signed tree."""
    service = _service_or_problem(services)
    if isinstance(service, JSONResponse):
        return service
    try:
        found = service.inclusion(leaf_index, tree_size)
    except LookupError as error:
        return problem(404, "not_found", str(error))
    except InconsistentLog as error:
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
