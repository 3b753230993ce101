"""Webhook endpoints and the notices they receive: what a clinic's systems hear, and
nothing clinical.

A notice says that something happened to a journey (its id, the event's type, version
and log position, the journey's stage and next-step code after it); the receiver reads
the details with its own token. A refused dose is a notice too (``dose_refused``, with
the rule that refused it), though nothing is stored for it in the journey.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain.errors import ClinicSettingError
from domain.payloads import PAYLOADS

DOSE_REFUSED = "dose_refused"
"""A dose the journey's rules refused (HTTP 409): nothing stored, a notice all the same."""
EVERY_TYPE = "*"
"""An endpoint that hears every journey event type and ``dose_refused``."""
DOSE_EVENT_TYPES = frozenset({"KetamineAdministered"})
"""The entries whose refusal is a ``dose_refused`` notice."""
NOTICE_TYPES = frozenset({*PAYLOADS, DOSE_REFUSED})
"""What an endpoint may ask for: each stored event type by name, and ``dose_refused``."""

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""Plain http is allowed to these only (a receiver on the same machine, as in tests)."""
MAX_URL_LENGTH = 2000
MAX_DESCRIPTION_LENGTH = 200


@dataclass(frozen=True)
class WebhookEndpoint:
    """Where a clinic's notices go. ``from_position``: the log position when it was
    registered; it hears of events after it only (no history is replayed to it)."""

    id: UUID
    clinic_id: str
    url: str
    event_types: tuple[str, ...]
    description: str
    created_at: datetime
    created_by: str
    from_position: int

    def accepts(self, notice_type: str) -> bool:
        return EVERY_TYPE in self.event_types or notice_type in self.event_types


def checked_url(url: str) -> str:
    """An https URL (http only to this machine), with no credentials or fragment in it."""
    if len(url) > MAX_URL_LENGTH:
        raise ClinicSettingError("url", f"at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises on a port that is not a number
    except ValueError:
        raise ClinicSettingError("url", "not a URL; give https://host/path") from None
    if not host or parts.scheme not in ("https", "http"):
        raise ClinicSettingError("url", "must be https://host/path")
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise ClinicSettingError("url", "must be https (plain http only to localhost or 127.0.0.1)")
    if parts.username is not None or parts.password is not None:
        raise ClinicSettingError("url", "must not carry a user name or password")
    if parts.fragment:
        raise ClinicSettingError("url", "must not have a #fragment")
    return url


def checked_event_types(event_types: Iterable[str]) -> tuple[str, ...]:
    """Known types only, each once, sorted; ``*`` alone for all of them."""
    chosen = sorted(set(event_types))
    if not chosen:
        raise ClinicSettingError("event_types", f"name at least one, or {EVERY_TYPE!r} for all")
    if EVERY_TYPE in chosen:
        if len(chosen) > 1:
            raise ClinicSettingError("event_types", f"{EVERY_TYPE!r} stands alone")
        return (EVERY_TYPE,)
    unknown = [t for t in chosen if t not in NOTICE_TYPES]
    if unknown:
        raise ClinicSettingError(
            "event_types",
            f"unknown {', '.join(unknown)}; use event type names, {DOSE_REFUSED!r} or "
            f"{EVERY_TYPE!r}",
        )
    return tuple(chosen)


def checked_description(description: str | None) -> str:
    text = (description or "").strip()
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise ClinicSettingError("description", f"at most {MAX_DESCRIPTION_LENGTH} characters")
    return text


@dataclass(frozen=True)
class JourneyNotice:
    """What an endpoint hears of one journey: no patient reference, no clinical value."""

    type: str
    """The event's type (``KetamineAdministered``), or ``dose_refused``."""
    journey_id: UUID
    clinic_id: str
    version: int
    """The version the event was stored at; for a refusal, the journey's version then."""
    position: int | None
    """The event's log position (None for a refusal: nothing was stored)."""
    stage: str | None
    next_step: str | None
    """The next step's code (None when the journey could not be read)."""
    at: datetime
    """When the event was recorded, or the dose refused."""
    rule: str | None = None
    """The rule that refused a dose (``dose_refused`` only)."""
    refused_type: str | None = None
    """The entry type that was refused (``dose_refused`` only)."""

    def body(self) -> dict[str, Any]:
        """The Standard Webhooks payload: ``type``, ``timestamp`` and ``data``."""
        data: dict[str, Any] = {
            "journey_id": str(self.journey_id),
            "clinic_id": self.clinic_id,
            "event_type": self.refused_type or self.type,
            "version": self.version,
            "position": self.position,
            "stage": self.stage,
            "next_step": self.next_step,
        }
        if self.rule is not None:
            data["rule"] = self.rule
        return {"type": self.type, "timestamp": self.at.isoformat(), "data": data}


def matching(endpoints: Iterable[WebhookEndpoint], notice_type: str) -> list[WebhookEndpoint]:
    return [e for e in endpoints if e.accepts(notice_type)]


def by_clinic(endpoints: Iterable[WebhookEndpoint]) -> Mapping[str, list[WebhookEndpoint]]:
    grouped: dict[str, list[WebhookEndpoint]] = {}
    for endpoint in endpoints:
        grouped.setdefault(endpoint.clinic_id, []).append(endpoint)
    return grouped
