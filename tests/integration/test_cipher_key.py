"""Where the key that encrypts event data comes from."""

from __future__ import annotations

import stat

import pytest
from eventsourcing.cipher import AESCipher

from interface.settings import Settings
from interface.storage.keys import MissingCipherKeyError, key_file_for, resolve_cipher_key


def test_the_embedded_default_creates_an_owner_only_key_file_beside_the_database(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'var' / 'kap.db'}", cipher_key=None)

    key = resolve_cipher_key(settings)

    path = key_file_for(settings)
    assert path == tmp_path / "var" / "kap.db.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == key
    assert resolve_cipher_key(settings) == key, "the same key on every start"


def test_a_key_from_the_environment_wins_and_writes_no_file(tmp_path, monkeypatch):
    given = AESCipher.create_key(16)
    monkeypatch.setenv("KAP_CIPHER_KEY", given)
    monkeypatch.setenv("KAP_DATABASE_URL", f"sqlite:///{tmp_path / 'kap.db'}")
    settings = Settings()

    assert resolve_cipher_key(settings) == given
    assert not key_file_for(settings).exists()


def test_postgresql_without_a_key_is_refused_with_how_to_make_one():
    settings = Settings(database_url="postgresql://kap@db:5432/kap", cipher_key=None)
    with pytest.raises(MissingCipherKeyError, match="KAP_CIPHER_KEY"):
        resolve_cipher_key(settings)
