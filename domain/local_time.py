"""Moments as a clinic's people read them: in the clinic's own time zone, with its offset.

Rules decide on instants (UTC); only the sentences that name a moment (a refusal's
"not before", a next step's due time, a finding) are rendered here. The application sets
the clinic's zone around each use case (``clinic_time``); without one, moments read in
UTC, as they did before clinics had settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo

_ZONE: ContextVar[tzinfo] = ContextVar("clinic_zone", default=UTC)


@contextmanager
def clinic_time(zone: tzinfo) -> Iterator[None]:
    """Render every moment named inside this block in ``zone``."""
    token = _ZONE.set(zone)
    try:
        yield
    finally:
        _ZONE.reset(token)


def current_zone() -> tzinfo:
    return _ZONE.get()


def stamp(moment: datetime) -> str:
    """A moment as staff and auditors read it in a sentence: in UTC, ``2026-10-08 10:00
    UTC``; in a clinic's zone, ``Thu 2026-10-08 04:00 MDT (UTC-06:00)``."""
    zone = _ZONE.get()
    if zone is UTC:
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    local = moment.astimezone(zone)
    return local.strftime("%a %Y-%m-%d %H:%M %Z (UTC") + _offset(local) + ")"


def _offset(local: datetime) -> str:
    offset = local.strftime("%z")  # +HHMM or -HHMM
    return f"{offset[:3]}:{offset[3:]}"
