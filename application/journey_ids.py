"""The key journey ids are derived under: a subkey of the cipher key, so operators keep
one secret, and knowing an id key reveals nothing about the cipher key."""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.identity import ID_KEY_BYTES

ID_KEY_LABEL = b"kap-journeys/journey-id-key/v1"
"""HKDF's info: fixed, so the same cipher key always gives the same id key."""


class MissingIdKeyError(ValueError):
    """Journeys need a cipher key (or an explicit id key) to name journeys."""


def id_key_from_cipher_key(cipher_key: str) -> bytes:
    """HKDF-SHA-256 of the (base64) cipher key under a fixed label."""
    try:
        material = base64.b64decode(cipher_key, validate=True)
    except (binascii.Error, ValueError):
        raise MissingIdKeyError("the cipher key is not base64: no journey id key from it") from None
    if not material:
        raise MissingIdKeyError("an empty cipher key gives no journey id key")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=ID_KEY_BYTES, salt=None, info=ID_KEY_LABEL)
    return hkdf.derive(material)
