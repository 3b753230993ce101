"""The character rules of the wire, the strict JSON reading and request ids, on both sides
of each line."""

from __future__ import annotations

import json

import pytest

from interface.http.json_body import refusal_of
from interface.http.request_log import request_id_from
from interface.http.wire_text import refused_character, why_refused


@pytest.mark.parametrize("code", [*range(0x00, 0x20), 0x7F])
def test_every_control_character_is_refused_in_an_identifier(code: int) -> None:
    assert refused_character(f"a{chr(code)}b") == chr(code)


@pytest.mark.parametrize("code", [0x20, 0x21, 0x7E, 0x80, 0xA0, 0xE9, 0x4E2D, 0x1F600])
def test_printable_neighbours_are_kept(code: int) -> None:
    assert refused_character(f"a{chr(code)}b") is None
    assert refused_character(f"a{chr(code)}b", free_text=True) is None


@pytest.mark.parametrize("kept", ["\t", "\n", "\r"])
def test_free_text_keeps_tab_and_line_breaks_only(kept: str) -> None:
    assert refused_character(f"a{kept}b", free_text=True) is None
    assert refused_character(f"a{kept}b") == kept


@pytest.mark.parametrize("code", [0x00, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F])
def test_free_text_refuses_the_other_controls(code: int) -> None:
    assert refused_character(f"a{chr(code)}b", free_text=True) == chr(code)


def test_a_lone_surrogate_is_refused_everywhere() -> None:
    assert refused_character("a\ud800", free_text=True) == "\ud800"
    assert "surrogate" in why_refused("\udfff")


def test_the_reason_names_the_code_point_not_the_text() -> None:
    assert why_refused("\x00").startswith("holds U+0000")


def test_strict_json_takes_a_sound_body() -> None:
    assert refusal_of(json.dumps({"a": {"b": [1, {"c": "x\ty"}]}, "b": 2}).encode()) is None


@pytest.mark.parametrize(
    "body",
    [b'{"a": 1, "a": 1}', b'{"x": [{"a": 1, "a": 2}]}', b'{"x": {"y": {"z": 1, "z": 1}}}'],
)
def test_strict_json_refuses_a_key_twice(body: bytes) -> None:
    refusal = refusal_of(body)
    assert refusal is not None
    assert json.loads(bytes(refusal.body))["code"] == "duplicate_key"


@pytest.mark.parametrize(
    "body", ['{"a\\u0000": 1}', '{"a": "\\u001b"}', '["\\ud800"]', '{"a": ["\\u007f"]}']
)
def test_strict_json_refuses_a_control_character_in_a_key_or_string(body: str) -> None:
    refusal = refusal_of(body.encode())
    assert refusal is not None
    assert json.loads(bytes(refusal.body))["code"] == "invalid_request"


def test_strict_json_survives_nesting_deeper_than_the_stack() -> None:
    refusal = refusal_of(b"[" * 100_000 + b"]" * 100_000)
    assert refusal is not None
    assert json.loads(bytes(refusal.body))["code"] == "invalid_json"


@pytest.mark.parametrize("given", ["a", "A" * 128, "abc-123", "x.y:z_1", "0"])
def test_a_sane_request_id_is_kept(given: str) -> None:
    assert request_id_from(given.encode()) == given


@pytest.mark.parametrize("given", [None, b"", b"A" * 129, b"-a", b"a b", b"a\x00", b"\xc3\xbc"])
def test_any_other_request_id_is_replaced(given: bytes | None) -> None:
    made = request_id_from(given)
    assert len(made) == 32
    assert made.isalnum()
