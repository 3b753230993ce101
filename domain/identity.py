"""Journey ids: keyed, so an id says nothing about the patient without the service's key.

A journey's id is HMAC-SHA-256 over (clinic, patient ref, episode) under the deployment's
id key, cut to 128 bits and marked as a version 8 (custom) UUID. Anyone without the key
cannot test a guessed patient ref against an id. Journeys opened before keyed ids kept
their unkeyed uuid5 ids (``legacy_journey_id``); the application still finds them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from uuid import NAMESPACE_URL, UUID, uuid5

ID_KEY_BYTES = 32
LEGACY_NAMESPACE = uuid5(NAMESPACE_URL, "https://kap-journeys.example/journeys")
_LABEL = "kap-journeys journey id v1"


def journey_id_for(id_key: bytes, clinic_id: str, patient_ref: str, episode: int) -> UUID:
    """The same (clinic, patient, episode) under the same key always names the same id."""
    if len(id_key) < ID_KEY_BYTES:
        raise ValueError(f"a journey id key is at least {ID_KEY_BYTES} bytes")
    # JSON keeps the three parts apart whatever characters a patient ref holds.
    message = json.dumps([_LABEL, clinic_id, patient_ref, episode]).encode()
    digest = bytearray(hmac.new(id_key, message, hashlib.sha256).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80  # version 8: custom (RFC 9562)
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC variant
    return UUID(bytes=bytes(digest))


def legacy_journey_id(clinic_id: str, patient_ref: str, episode: int) -> UUID:
    """The unkeyed id journeys were given before keyed ids: only for finding them."""
    return uuid5(LEGACY_NAMESPACE, f"{clinic_id}\x1f{patient_ref}\x1f{episode}")
