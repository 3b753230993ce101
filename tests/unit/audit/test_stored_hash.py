"""The ``stored`` hash of a KAPSEAL2 seal and the Merkle entry rule, against the vector
docs/tamper-evidence.md gives (computed there by hand from the framing)."""

from __future__ import annotations

import hashlib

import pytest

from domain.audit.stored import merkle_entry, stored_hash

TOPIC = "domain.journey:Journey.JourneyOpened"
DIGEST, HASH, BODY = "a" * 64, "b" * 64, bytes.fromhex("00ff10")
STORED = "d4f298904180ab895677b52b4057f98dff9b7e3c2def2976ea997c33b7b9f55e"
ENTRY = "81e32fe341ab617dc45997757f3f7b566ecb08d90770f939d7c67154b898a76a"


def test_the_documented_vector():
    assert stored_hash(TOPIC, DIGEST, HASH, BODY) == STORED
    assert merkle_entry(bytes.fromhex(HASH), bytes.fromhex(STORED)).hex() == ENTRY


def test_the_framing_byte_by_byte():
    framed = b"KAPSEAL2" + len(TOPIC).to_bytes(4, "big") + TOPIC.encode() + b"a" * 64
    framed += b"b" * 64 + BODY
    assert hashlib.sha256(framed).hexdigest() == STORED


def test_a_kapseal1_entry_is_its_chain_hash():
    assert merkle_entry(bytes.fromhex(HASH), None) == bytes.fromhex(HASH)


@pytest.mark.parametrize("bad", ["A" * 64, "a" * 63, "g" * 64, ""])
def test_a_digest_or_hash_that_is_not_64_lower_hex_is_refused(bad):
    with pytest.raises(ValueError, match="64 lower-case hex"):
        stored_hash(TOPIC, bad, HASH, BODY)
    with pytest.raises(ValueError, match="64 lower-case hex"):
        stored_hash(TOPIC, DIGEST, bad, BODY)
