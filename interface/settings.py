"""Settings read from the environment (prefix ``KAP_``); one object builds the app."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from interface.metrics.address import parse_address
from interface.storage.environment import SQLITE_PREFIX, is_postgres_url, sqlite_path

DEFAULT_DATABASE_URL = "sqlite:///./var/kap-journeys.db"
ENV_PREFIX = "KAP_"
AES_KEY_SIZES = (16, 24, 32)

KEY_COMMAND = "python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'"
"""Makes a valid KAP_CIPHER_KEY and a valid KAP_SIGNING_KEY (32 random bytes, base64)."""


def check_cipher_key(text: str) -> None:
    """Refuse anything but 16, 24 or 32 bytes in base64 (what AES-GCM takes)."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"is not base64; make one with {KEY_COMMAND}") from None
    if len(raw) not in AES_KEY_SIZES:
        raise ValueError(
            f"must be 16, 24 or 32 bytes in base64, this is {len(raw)} bytes; "
            f"make one with {KEY_COMMAND}"
        )


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
    port: int = Field(default=8000, ge=1, le=65535)

    max_body_bytes: int = Field(default=256 * 1024, ge=1024)

    max_batch_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    """The body limit of POST /v1/journeys/events:batch alone (up to 1,000 events);
    at most 64 MiB."""

    checkpoint_every_seconds: float = Field(default=300, ge=0)
    """How often ``serve`` signs a checkpoint when there are new events (0: never)."""

    run_projections: bool = True
    """Keep the read models current inside this process (embedded default); turn off
    for API workers beside a separate ``kap-journeys project`` process."""

    metrics_address: str | None = None
    """``host:port`` where ``serve`` also answers /metrics without a token (keep it on a
    private network); unset: /metrics only on the API's port, for admin tokens."""

    @field_validator("metrics_address")
    @classmethod
    def _host_and_port(cls, value: str | None) -> str | None:
        if value:
            parse_address(value)
        return value or None

    run_webhooks: bool = True
    """Feed and deliver webhooks from this process (one process at a time holds it)."""
    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    webhook_retry_first_seconds: float = Field(default=5.0, gt=0)
    """The first wait after a failed delivery; each next one doubles, up to the cap."""
    webhook_retry_cap_seconds: float = Field(default=3600.0, gt=0)
    webhook_retry_window_seconds: float = Field(default=24 * 3600.0, gt=0)
    """How long a delivery is retried before it is marked failed."""

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if is_postgres_url(value) or (value.startswith(SQLITE_PREFIX) and value != SQLITE_PREFIX):
            return value
        raise ValueError("must be sqlite:///path (embedded) or postgresql://user:pass@host:port/db")

    @field_validator("cipher_key")
    @classmethod
    def _aes_key(cls, value: str | None) -> str | None:
        if not value:
            return None  # unset: the embedded default keeps a key file
        check_cipher_key(value)
        return value.strip()

    @field_validator("signing_key")
    @classmethod
    def _ed25519_key(cls, value: str | None) -> str | None:
        if not value:
            return None
        from interface.audit.signing import BadSigningKeyError, SigningKey  # it reads Settings

        try:
            SigningKey.parse(value)
        except BadSigningKeyError as error:
            raise ValueError(f"{error}; make one with {KEY_COMMAND}") from None
        return value

    @property
    def is_postgres(self) -> bool:
        return is_postgres_url(self.database_url)

    @property
    def sqlite_path(self) -> Path:
        if self.is_postgres:
            raise ValueError("not a SQLite database URL")
        return Path(sqlite_path(self.database_url))


def setting_problems(error: ValidationError) -> list[str]:
    """One line per bad setting, naming its environment variable (never its value)."""
    lines = []
    for problem in error.errors(include_input=False, include_url=False):
        field = str(problem["loc"][0]) if problem["loc"] else "settings"
        message = str(problem["msg"]).removeprefix("Value error, ")
        lines.append(f"error: {ENV_PREFIX}{field.upper()}: {message}")
    return lines
