"""The exact bytes a checkpoint's Ed25519 signature covers (stdlib only, so an offline
verifier needs nothing of the service):

    kap-journeys checkpoint v1\\n{tree_size}\\n{root_hex}\\n{signed_at}\\n{key_id}\\n

``signed_at`` is UTC to whole seconds (``2026-11-27T04:00:00Z``); ``key_id`` is the
first 16 hex characters of SHA-256 of the raw 32-byte public key.
"""

from __future__ import annotations

import hashlib

MESSAGE_HEADER = "kap-journeys checkpoint v1"


def checkpoint_message(tree_size: int, root_hex: str, signed_at: str, key_id: str) -> bytes:
    """The exact bytes a checkpoint signature covers."""
    if tree_size < 0 or len(root_hex) != 64 or root_hex != root_hex.lower():
        raise ValueError("a checkpoint has a size >= 0 and a 64-character lower-case hex root")
    bytes.fromhex(root_hex)
    return f"{MESSAGE_HEADER}\n{tree_size}\n{root_hex}\n{signed_at}\n{key_id}\n".encode()


def key_id_of(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]
