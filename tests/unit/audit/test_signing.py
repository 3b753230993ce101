"""The checkpoint signing key: where it comes from, its id, and what a signature covers."""

from __future__ import annotations

import base64
import hashlib
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from application.audit.checkpoints import canonical_time
from domain.audit.checkpoint_format import checkpoint_message
from interface.audit.signing import (
    BadSigningKeyError,
    MissingSigningKeyError,
    SigningKey,
    key_id_for,
    resolve_signing_key,
    signing_key_file_for,
    verify_signature,
)
from interface.settings import Settings

# RFC 8032 section 7.1, TEST 1: a known Ed25519 private key and its public key.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_EMPTY_MESSAGE_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)


def test_a_raw_base64_key_loads_and_signs_as_rfc8032_says():
    key = SigningKey.parse(base64.b64encode(RFC8032_SECRET).decode())
    assert key.public_key == RFC8032_PUBLIC
    assert key.sign(b"") == RFC8032_EMPTY_MESSAGE_SIGNATURE
    assert (
        key.key_id == hashlib.sha256(RFC8032_PUBLIC).hexdigest()[:16] == key_id_for(RFC8032_PUBLIC)
    )
    assert len(key.key_id) == 16


def test_a_pem_key_round_trips():
    key = SigningKey.generate()
    again = SigningKey.parse(key.to_pem())
    assert again.public_key == key.public_key
    assert again.to_pem().startswith("-----BEGIN PRIVATE KEY-----")


@pytest.mark.parametrize(
    "text",
    [
        "not base64 at all!",
        base64.b64encode(b"short").decode(),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    ],
)
def test_a_malformed_key_is_refused_clearly(text):
    with pytest.raises(BadSigningKeyError):
        SigningKey.parse(text)


def test_the_signed_message_is_the_documented_five_lines():
    message = checkpoint_message(42, "ab" * 32, "2026-10-01T09:00:00Z", "0123456789abcdef")
    assert message == (
        b"kap-journeys checkpoint v1\n42\n" + b"ab" * 32 + b"\n2026-10-01T09:00:00Z\n"
        b"0123456789abcdef\n"
    )


@pytest.mark.parametrize("root", ["AB" * 32, "ab" * 31, "zz" * 32])
def test_a_message_needs_a_lower_case_hex_root(root):
    with pytest.raises(ValueError, match=r"."):
        checkpoint_message(1, root, "2026-10-01T09:00:00Z", "0123456789abcdef")


def test_times_are_signed_in_utc_whole_seconds():
    paris = timezone(timedelta(hours=2))
    assert canonical_time(datetime(2026, 10, 1, 11, 0, 5, 999, tzinfo=paris)) == (
        "2026-10-01T09:00:05Z"
    )
    with pytest.raises(ValueError, match="offset"):
        canonical_time(datetime(2026, 10, 1, 11, 0))


def test_signatures_verify_with_the_raw_public_key_only_for_the_same_bytes():
    key = SigningKey.generate()
    message = checkpoint_message(1, "00" * 32, canonical_time(datetime.now(UTC)), key.key_id)
    signature = key.sign(message)
    assert verify_signature(key.public_key, message, signature)
    Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key_b64)).verify(
        signature, message
    )
    assert not verify_signature(key.public_key, message.replace(b"\n1\n", b"\n2\n"), signature)
    assert not verify_signature(SigningKey.generate().public_key, message, signature)
    assert not verify_signature(key.public_key, message, signature[:-1])


def test_the_embedded_default_creates_an_owner_only_key_file_beside_the_database(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'var' / 'kap.db'}", signing_key=None)

    key = resolve_signing_key(settings)

    path = signing_key_file_for(settings)
    assert path == tmp_path / "var" / "kap.db.signing-key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert resolve_signing_key(settings).public_key == key.public_key, "the same key every start"
    assert [p.name for p in path.parent.iterdir()] == ["kap.db.signing-key"], "no draft left"


def test_a_key_from_the_environment_wins_and_writes_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KAP_SIGNING_KEY", base64.b64encode(RFC8032_SECRET).decode())
    monkeypatch.setenv("KAP_DATABASE_URL", f"sqlite:///{tmp_path / 'kap.db'}")
    settings = Settings()

    assert resolve_signing_key(settings).public_key == RFC8032_PUBLIC
    assert not signing_key_file_for(settings).exists()


def test_postgresql_without_a_key_is_refused_with_how_to_make_one():
    settings = Settings(database_url="postgresql://kap@db:5432/kap", signing_key=None)
    with pytest.raises(MissingSigningKeyError, match="KAP_SIGNING_KEY"):
        resolve_signing_key(settings)
