"""Evidence bundles: one .zip an auditor can check offline, with nothing but the bundle.

    events.ndjson     every entry of the chosen journeys, plaintext, with its seal (and
                      ``stored``, the hash of its stored bytes, for a KAPSEAL2 seal) and
                      its leaf index in the Merkle tree (its place in the log)
    checkpoints.json  the key, and the signed checkpoints the clinic may see (those that
                      recorded one of its journeys) plus the one signed for the export,
                      each with the consistency proof from the one before it here
    proofs.json       an inclusion proof of every entry in the export's checkpoint's tree
    public_key.b64    the Ed25519 public key (raw 32 bytes, base64)
    manifest.json     what the bundle holds, and the SHA-256 of each file

Check one with ``kap-journeys audit verify-bundle FILE`` (interface.audit.bundle_verifier,
which imports nothing of the database or the service).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from application.audit.checkpoints import Checkpoint, CheckpointService, InconsistentLogError
from application.audit.clinic_checkpoints import clinic_checkpoints
from application.audit.evidence import journey_entries, leaf_positions
from domain.audit.merkle import leaf_hash
from domain.audit.prefix_consistency import prefix_consistency
from domain.audit.proof_batch import ProofTree
from interface.audit.signing import ALGORITHM
from interface.services import Services

log = logging.getLogger("kap.audit.bundle")

FORMAT = "kap-journeys-evidence/3"
"""/2 added each entry's ``stored``. /3 carries only the checkpoints the bundle's clinic
may see and the export's, each ``consistency_proof`` from the checkpoint before it in the
bundle (in /1 and /2: every checkpoint of the store, each with its proof as stored, from
the store's previous one). The verifier reads all three."""


class NothingToExportError(ValueError):
    pass


def _dump(value: Any) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode()


def build_bundle(services: Services, journey_ids: Sequence[UUID], scope: dict[str, Any]) -> bytes:
    """The bundle of these journeys of the clinic ``scope["clinic_id"]``, proven against
    a checkpoint signed just now."""
    if not journey_ids:
        raise NothingToExportError("no journeys match: nothing to export")
    checkpoints = services.checkpoints
    try:
        checkpoints.create()  # cover every entry written so far
    except InconsistentLogError as error:
        # The log no longer extends what was signed: nothing new is signed over it, and
        # the bundle, proven against the last checkpoint, fails where it was altered.
        log.warning("bundle proven against the last checkpoint: %s", error)
    latest = checkpoints.latest()
    assert latest is not None
    placed = list(leaf_positions(services.journeys, latest.log_position))
    tree = ProofTree(leaf_hash(entry) for *_, entry in placed)
    shown = _shown_checkpoints(checkpoints, scope["clinic_id"], latest)
    where = {(jid, version): index for index, (jid, version, _, _) in enumerate(placed)}
    lines, proofs = [], {}
    for journey_id in journey_ids:
        for entry in journey_entries(services.journeys, journey_id):
            index = where.get((journey_id, entry["version"]))
            entry["leaf_index"] = index
            lines.append(json.dumps(entry, sort_keys=True, ensure_ascii=False))
            if index is not None:
                proofs[str(index)] = [node.hex() for node in tree.path(index)]
    files = {
        "events.ndjson": ("\n".join(lines) + "\n").encode(),
        "checkpoints.json": _dump(_listing(checkpoints, shown, tree)),
        "proofs.json": _dump(
            {"tree_size": latest.tree_size, "root": latest.root, "inclusion": proofs}
        ),
        "public_key.b64": (checkpoints.key.public_key_b64 + "\n").encode(),
    }
    manifest = {
        "format": FORMAT,
        "created_at": services.clock().isoformat(),
        "scope": scope,
        "journeys": [str(j) for j in journey_ids],
        "events": len(lines),
        "checkpoint": {"tree_size": latest.tree_size, "root": latest.root},
        "files": {name: hashlib.sha256(body).hexdigest() for name, body in files.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, body in {**files, "manifest.json": _dump(manifest)}.items():
            bundle.writestr(name, body)
    return buffer.getvalue()


def _shown_checkpoints(
    service: CheckpointService, clinic_id: str, latest: Checkpoint
) -> list[Checkpoint]:
    """What the clinic's auditor may see of the store's checkpoints (the listing's rule),
    and the export's own, which every entry is proven against. None signed after it: the
    tree in hand ends there."""
    shown = {c.id: c for c in clinic_checkpoints(service, clinic_id) if c.id < latest.id}
    shown[latest.id] = latest
    return [shown[i] for i in sorted(shown)]


def _listing(
    service: CheckpointService, shown: Sequence[Checkpoint], tree: ProofTree
) -> dict[str, Any]:
    """The key and the shown checkpoints, each with the RFC 6962 proof that it extends the
    one before it in the bundle (computed now from the log: the proof stored with it is
    from the store's previous checkpoint, which the clinic may not see, and would tell of
    it). The first has nothing before it: an empty proof, as from the empty tree."""
    listed, before = [], 0
    for checkpoint in shown:
        public = checkpoint.public()
        proof: list[bytes] = []
        if checkpoint.tree_size <= tree.size:
            proof = prefix_consistency(tree, before, checkpoint.tree_size)
        # else entries the checkpoint signed were removed since: exported as stored, the
        # empty proof fails and the verifier names the checkpoint the log no longer extends.
        public["consistency_proof"] = [node.hex() for node in proof]
        listed.append(public)
        before = checkpoint.tree_size
    return {
        "public_key": service.key.public_key_b64,
        "key_id": service.key.key_id,
        "algorithm": ALGORITHM,
        "checkpoints": listed,
    }


def period_scope(clinic_id: str, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    return {
        "clinic_id": clinic_id,
        "recorded_from": since.isoformat() if since else None,
        "recorded_to": until.isoformat() if until else None,
    }
