"""Evidence bundles: one .zip an auditor can check offline, with nothing but the bundle.

    events.ndjson     every entry of the chosen journeys, plaintext, with its seal (and
                      ``stored``, the hash of its stored bytes, for a KAPSEAL2 seal) and
                      its leaf index in the Merkle tree (its place in the log)
    checkpoints.json  every signed checkpoint (with consistency proofs) and the key
    proofs.json       an inclusion proof of every entry in the latest checkpoint's tree
    public_key.b64    the Ed25519 public key (raw 32 bytes, base64)
    manifest.json     what the bundle holds, and the SHA-256 of each file

Check one with ``kap-journeys audit verify-bundle FILE`` (interface.audit.bundle_verifier,
which imports nothing of the database or the service).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from application.audit.evidence import journey_entries, leaf_positions
from domain.audit.merkle import leaf_hash
from domain.audit.proof_batch import ProofTree
from interface.audit.checkpoints import checkpoint_service_for, public_listing
from interface.services import Services

FORMAT = "kap-journeys-evidence/2"
"""/2 adds each entry's ``stored``; the verifier reads /1 bundles too."""


class NothingToExport(ValueError):  # noqa: N818
    pass


def _dump(value: Any) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode()


def build_bundle(services: Services, journey_ids: Sequence[UUID], scope: dict[str, Any]) -> bytes:
    """The bundle of these journeys, proven against a checkpoint signed just now."""
    if not journey_ids:
        raise NothingToExport("no journeys match: nothing to export")
    checkpoints = checkpoint_service_for(services)
    checkpoints.create()  # cover every entry written so far
    latest = checkpoints.latest()
    assert latest is not None
    placed = list(leaf_positions(services.journeys, latest.log_position))
    tree = ProofTree(leaf_hash(entry) for *_, entry in placed)
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
        "checkpoints.json": _dump(public_listing(checkpoints)),
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


def period_scope(clinic_id: str, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    return {
        "clinic_id": clinic_id,
        "recorded_from": since.isoformat() if since else None,
        "recorded_to": until.isoformat() if until else None,
    }
