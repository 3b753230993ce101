"""Settings read from the environment (prefix ``KAP_``); one object builds the app."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from application.storage import is_postgres_url

DEFAULT_DATABASE_URL = "sqlite:///./var/kap-journeys.db"


class Settings(BaseSettings):
    """Everything the service needs to start. Nothing connects at import time."""

    model_config = SettingsConfigDict(env_prefix="KAP_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    """``sqlite:///path`` (embedded default) or ``postgresql://user:pass@host:port/db``."""

    cipher_key: str | None = None
    """AES key (base64, as made by the library's AESCipher.create_key). Embedded
    default: a key file beside the SQLite database, created with mode 0600."""

    signing_key: str | None = None
    """Ed25519 private key that signs checkpoints: PEM (PKCS#8) or the raw 32-byte key in
    base64. Embedded default: a ``.signing-key`` file beside the SQLite database, created
    with mode 0600. Required with PostgreSQL."""

    host: str = "127.0.0.1"
    port: int = 8000

    max_body_bytes: int = 256 * 1024

    checkpoint_every_seconds: float = 300
    """How often ``serve`` signs a checkpoint when there are new events (0: never)."""

    run_projections: bool = True
    """Keep the read models current inside this process (embedded default); turn off
    for API workers beside a separate ``kap-journeys project`` process."""

    @property
    def is_postgres(self) -> bool:
        return is_postgres_url(self.database_url)

    @property
    def sqlite_path(self) -> Path:
        if self.is_postgres:
            raise ValueError("not a SQLite database URL")
        return Path(self.database_url.removeprefix("sqlite:///"))
