"""A ``KAPSEAL2`` header read at its fixed offsets says exactly what the pattern the
mapper reads it with says: for the one byte form, for every single byte changed in it,
and for every length it could be cut to."""

from __future__ import annotations

import pytest

from application.sealed_mapper import MAGIC_V2, MalformedSealError, split_state, v2_header
from domain.audit.seal_header import BODY_AT, v2_fields
from domain.audit.stored import stored_digest, stored_hash

DIGEST, HASH, STORED = "0123456789abcdef" * 4, "fedcba9876543210" * 4, "ab" * 32
TOPIC = "domain.journey:Journey.JourneyOpened"
BODY = b"\x00\xffciphertext\n{}"
STATE = MAGIC_V2 + v2_header(DIGEST, HASH, STORED) + b"\n" + BODY


def by_pattern(state: bytes) -> tuple[str, str, str] | None:
    """The mapper's reading: the three values of a KAPSEAL2 header, else None."""
    try:
        seal, _ = split_state(state)
    except MalformedSealError:
        return None
    if seal is None or seal.stored is None:
        return None
    return seal.digest, seal.hash, seal.stored


def by_offsets(state: bytes) -> tuple[str, str, str] | None:
    fields = v2_fields(state)
    if fields is None:
        return None
    return fields.digest.decode(), fields.hash.decode(), fields.stored.decode()


def test_the_one_form_reads_its_values_and_its_body_at_236():
    assert by_offsets(STATE) == (DIGEST, HASH, STORED) == by_pattern(STATE)
    assert STATE[BODY_AT:] == BODY == split_state(STATE)[1]


@pytest.mark.parametrize("replacement", [b"A", b"g", b"0", b"f", b'"', b"\n", b" ", b"\x00"])
def test_any_byte_of_the_header_changed_reads_as_the_pattern_reads_it(replacement):
    for at in range(BODY_AT):
        changed = STATE[:at] + replacement + STATE[at + 1 :]
        assert by_offsets(changed) == by_pattern(changed), (at, replacement)


def test_a_header_cut_short_is_not_one():
    for length in range(BODY_AT):
        assert by_offsets(STATE[:length]) is None is by_pattern(STATE[:length]), length
    assert by_offsets(STATE[:BODY_AT]) == (DIGEST, HASH, STORED)


def test_another_magic_is_not_read_at_these_offsets():
    assert v2_fields(b"KAPSEAL1" + STATE[8:]) is None
    assert v2_fields(b"") is None


def test_the_stored_digest_from_header_bytes_is_the_stored_hash():
    written = stored_hash(TOPIC, DIGEST, HASH, BODY)
    assert stored_digest(TOPIC, DIGEST.encode(), HASH.encode(), memoryview(BODY)) == bytes.fromhex(
        written
    )
