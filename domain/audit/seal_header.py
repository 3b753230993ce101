"""The header of a ``KAPSEAL2`` entry, read by its fixed layout.

A ``KAPSEAL2`` state has exactly one byte form (``application.sealed_mapper.v2_header``):

    offset   0  b"KAPSEAL2"
             8  b'{"digest":"'    19  digest   (64 lower-case hex)
            83  b'","hash":"'     93  hash     (64 lower-case hex)
           157  b'","stored":"'  169  stored   (64 lower-case hex)
           233  b'"}\\n'          236  body     (the stored ciphertext)

so a full-store check reads the three values at their offsets, with the literal bytes
between them and the hex itself checked, instead of parsing JSON or matching a pattern
over the whole header. Anything else is not a ``KAPSEAL2`` header in its one form.
"""

from __future__ import annotations

from typing import NamedTuple

MAGIC = b"KAPSEAL2"
DIGEST_AT, HASH_AT, STORED_AT, BODY_AT = 19, 93, 169, 236
_OPENING = MAGIC + b'{"digest":"'
_HEX = b"0123456789abcdef"


class HeaderFields(NamedTuple):
    """A ``KAPSEAL2`` header's three values, as their 64 ASCII hex bytes."""

    digest: bytes
    hash: bytes
    stored: bytes


def v2_fields(state: bytes) -> HeaderFields | None:
    """The header of a state that begins with ``MAGIC``, in its one byte form; None for
    one that is not (another magic, or a header changed or cut short). The body starts
    at ``BODY_AT``."""
    if (
        state[:DIGEST_AT] != _OPENING
        or state[83:HASH_AT] != b'","hash":"'
        or state[157:STORED_AT] != b'","stored":"'
        or state[233:BODY_AT] != b'"}\n'  # also: the state is long enough for all three
    ):
        return None
    digest = state[DIGEST_AT : DIGEST_AT + 64]
    chain_hash = state[HASH_AT : HASH_AT + 64]
    stored = state[STORED_AT : STORED_AT + 64]
    # Deleting every lower-case hex digit leaves nothing of a value in its one form.
    if digest.translate(None, _HEX) or chain_hash.translate(None, _HEX):
        return None
    if stored.translate(None, _HEX):
        return None
    return HeaderFields(digest, chain_hash, stored)
