"""The Ed25519 key that signs checkpoints, and what exactly a checkpoint signature covers.

The key comes from ``KAP_SIGNING_KEY`` (PEM PKCS#8, or the raw 32-byte private key in
base64); without it, the embedded default keeps a key file beside the SQLite database
(``<db>.signing-key``, PEM, mode 0600), created on first use. PostgreSQL deployments
must set ``KAP_SIGNING_KEY``: make one with
``python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'``.

The key id is the first 16 hex characters of SHA-256 over the raw 32-byte public key.

A checkpoint's signature is Ed25519 over these UTF-8 bytes (five lines, each ending in
a line feed, nothing else)::

    kap-journeys checkpoint v1
    <tree size, decimal>
    <root, 64 lower-case hex characters>
    <signed at, UTC, YYYY-MM-DDTHH:MM:SSZ>
    <key id>

so any Ed25519 implementation verifies it with the public key published at
``GET /v1/audit/checkpoints`` (raw 32 bytes, base64).
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from domain.audit.checkpoint_format import key_id_of
from interface.settings import KEY_COMMAND, Settings

ALGORITHM = "Ed25519"
KEY_FILE_SUFFIX = ".signing-key"


class MissingSigningKeyError(RuntimeError):
    pass


class BadSigningKeyError(ValueError):
    pass


def key_id_for(public_key: bytes) -> str:
    """First 16 hex characters of SHA-256 over the raw 32-byte public key."""
    return key_id_of(public_key)


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is ``public_key``'s Ed25519 signature of ``message``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key with its public half and key id: the checkpoints'
    ``Signer`` (``application.audit.checkpoints``)."""

    private: Ed25519PrivateKey

    @property
    def algorithm(self) -> str:
        return ALGORITHM

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte public key."""
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_key).decode("ascii")

    @property
    def key_id(self) -> str:
        return key_id_for(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    @staticmethod
    def verifies(public_key: bytes, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is ``public_key``'s Ed25519 signature of ``message``."""
        return verify_signature(public_key, message, signature)

    def to_pem(self) -> str:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, text: str) -> SigningKey:
        """A PEM (PKCS#8) Ed25519 private key, or the raw 32 bytes in base64."""
        text = text.strip()
        if text.startswith("-----BEGIN"):
            try:
                key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
            except (ValueError, TypeError) as error:
                raise BadSigningKeyError(f"the signing key's PEM does not load: {error}") from None
            if not isinstance(key, Ed25519PrivateKey):
                raise BadSigningKeyError("the signing key is not an Ed25519 key")
            return cls(key)
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise BadSigningKeyError("the signing key is neither PEM nor base64") from None
        if len(raw) != 32:
            raise BadSigningKeyError(f"a raw Ed25519 private key is 32 bytes, this is {len(raw)}")
        return cls(Ed25519PrivateKey.from_private_bytes(raw))


def signing_key_file_for(settings: Settings) -> Path:
    return settings.sqlite_path.with_name(settings.sqlite_path.name + KEY_FILE_SUFFIX)


def resolve_signing_key(settings: Settings) -> SigningKey:
    """KAP_SIGNING_KEY wins; the embedded default keeps a key file (mode 0600) beside the DB."""
    if settings.signing_key:
        return SigningKey.parse(settings.signing_key)
    if settings.is_postgres:
        raise MissingSigningKeyError(
            f"KAP_SIGNING_KEY is required with PostgreSQL for checkpoints: make one with "
            f"{KEY_COMMAND}"
        )
    path = signing_key_file_for(settings)
    if path.exists():
        try:
            return SigningKey.parse(path.read_text())
        except BadSigningKeyError as error:
            raise BadSigningKeyError(f"the key file {path}: {error}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate()
    # Written whole under a private name, then linked into place: a process starting at
    # the same time reads either no file or a complete one, and the first link wins.
    draft = path.with_name(f"{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(key.to_pem())
        os.link(draft, path)
    except FileExistsError:
        return SigningKey.parse(path.read_text())
    finally:
        draft.unlink(missing_ok=True)
    return key
