"""The cipher key for event data at rest: from KAP_CIPHER_KEY, or a key file beside SQLite."""

from __future__ import annotations

import os
from pathlib import Path

from eventsourcing.cipher import AESCipher

from interface.settings import KEY_COMMAND, Settings, check_cipher_key

KEY_BYTES = 32


class MissingCipherKeyError(RuntimeError):
    pass


def key_file_for(settings: Settings) -> Path:
    return settings.sqlite_path.with_name(settings.sqlite_path.name + ".key")


def resolve_cipher_key(settings: Settings) -> str:
    """KAP_CIPHER_KEY wins; the embedded default keeps a key file (mode 0600) beside the DB."""
    if settings.cipher_key:
        return settings.cipher_key
    if settings.is_postgres:
        raise MissingCipherKeyError(
            f"KAP_CIPHER_KEY is required with PostgreSQL: make one with {KEY_COMMAND}"
        )
    path = key_file_for(settings)
    if path.exists():
        key = path.read_text().strip()
        try:
            check_cipher_key(key)
        except ValueError as error:
            raise MissingCipherKeyError(f"the key file {path} {error}") from None
        return key
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # beside the database: owner-only
    key = AESCipher.create_key(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key
