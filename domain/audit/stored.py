"""What binds an entry's stored bytes: the ``stored`` hash of a ``KAPSEAL2`` seal, and
each entry's Merkle-tree entry (the leaf rule for both seal versions).

The chain hash covers an entry's content (through its salted digest), but that content
is stored encrypted: without the key, nothing but ``stored`` shows that the ciphertext,
the topic or the seal in the clear were changed after writing. Framing (every field of
fixed length or length-prefixed, so no two rows share the bytes hashed):

    stored = SHA-256( b"KAPSEAL2"
                      || uint32_be(len(topic)) || topic          (UTF-8)
                      || digest                                  (64 ASCII hex)
                      || hash                                    (64 ASCII hex)
                      || body )                                  (the stored ciphertext)

A Merkle entry is the chain hash (32 raw bytes) for an entry sealed ``KAPSEAL1``, and
``SHA-256(hash || stored)`` (raw bytes) for one sealed ``KAPSEAL2``: a signed checkpoint
then covers the stored bytes too, so rewriting the body and the clear seal together is
caught against the signed roots.
"""

from __future__ import annotations

import hashlib
import re

STORED_MAGIC = b"KAPSEAL2"
HEX64 = re.compile(r"[0-9a-f]{64}")


def is_hex64(value: object) -> bool:
    return isinstance(value, str) and HEX64.fullmatch(value) is not None


def stored_hash(topic: str, digest: str, chain_hash: str, body: bytes) -> str:
    """The ``stored`` value of a ``KAPSEAL2`` seal, hex (digest and hash: 64 hex each)."""
    if not (is_hex64(digest) and is_hex64(chain_hash)):
        raise ValueError("a seal's digest and hash are 64 lower-case hex characters")
    name = topic.encode("utf-8")
    hasher = hashlib.sha256(STORED_MAGIC)
    hasher.update(len(name).to_bytes(4, "big"))
    hasher.update(name)
    hasher.update(digest.encode("ascii"))
    hasher.update(chain_hash.encode("ascii"))
    hasher.update(body)
    return hasher.hexdigest()


def stored_digest(topic: str, digest: bytes, chain_hash: bytes, body: bytes | memoryview) -> bytes:
    """``stored_hash`` as 32 raw bytes, from a header's digest and hash as they are
    stored (64 ASCII hex bytes each, already checked: ``domain.audit.seal_header``)."""
    name = topic.encode("utf-8")
    hasher = hashlib.sha256(STORED_MAGIC)
    hasher.update(len(name).to_bytes(4, "big"))
    hasher.update(name)
    hasher.update(digest)
    hasher.update(chain_hash)
    hasher.update(body)
    return hasher.digest()


def merkle_entry(chain_hash: bytes, stored: bytes | None) -> bytes:
    """An entry of the Merkle tree: the chain hash (``KAPSEAL1``), or it bound to the
    stored bytes' hash (``KAPSEAL2``). Both are 32 raw bytes."""
    if stored is None:
        return chain_hash
    return hashlib.sha256(chain_hash + stored).digest()
