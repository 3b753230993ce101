"""Settings of a deployment that signs checkpoints: fresh cipher and signing keys."""

from __future__ import annotations

import base64
import os
from typing import Any

from interface.settings import Settings
from tests.integration.journeys_app import new_key


def new_signing_key() -> str:
    """A raw Ed25519 private key (32 random bytes), base64, as KAP_SIGNING_KEY takes it."""
    return base64.b64encode(os.urandom(32)).decode()


def signed_settings(database_url: str, cipher_key: str | None = None, **more: Any) -> Settings:
    return Settings(
        database_url=database_url,
        cipher_key=cipher_key or new_key(),
        signing_key=new_signing_key(),
        **more,
    )
