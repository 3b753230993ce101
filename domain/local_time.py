"""Moments as a clinic's people read them: in the clinic's own time zone, with its offset.

Rules decide on instants (UTC); only the sentences that name a moment (a refusal's
"not before", a next step's due time, a finding) are rendered here. The application sets
the clinic's zone around each use case (``clinic_time``); without one, moments read in
UTC, as they did before clinics had settings.

A sentence kept for later (a caseload row's next step, a compliance finding) is written
in UTC, the canonical form, and ``localized`` re-renders each moment it names in the
zone of whoever reads it: a stored row stays a function of the journey's events alone,
and a clinic that changes its time zone reads every stored sentence in the new one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo

_ZONE: ContextVar[tzinfo] = ContextVar("clinic_zone", default=UTC)

UTC_FORMAT = "%Y-%m-%d %H:%M UTC"
"""A moment in a UTC sentence: ``2026-10-08 10:00 UTC``."""
LOCAL_FORMAT = "%a %Y-%m-%d %H:%M"
"""A moment in a clinic's sentence, before its zone's name and offset."""
_UTC_STAMP = re.compile(r"\b(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC\b")


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


def is_utc(zone: tzinfo) -> bool:
    """Whether ``zone`` reads as UTC (the default, or a clinic set to UTC or Etc/UTC)."""
    if zone is UTC:
        return True
    key = getattr(zone, "key", None)
    return key in {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu"}


def stamp(moment: datetime) -> str:
    """A moment as staff and auditors read it in a sentence: in UTC, ``2026-10-08 10:00
    UTC``; in a clinic's zone, ``Thu 2026-10-08 04:00 MDT (UTC-06:00)`` (the weekday
    because staff plan by it; the offset because an abbreviation alone is ambiguous and
    an hour repeats when the clocks go back)."""
    return stamp_in(moment, _ZONE.get())


def stamp_in(moment: datetime, zone: tzinfo) -> str:
    if is_utc(zone):
        return moment.astimezone(UTC).strftime(UTC_FORMAT)
    local = moment.astimezone(zone)
    return f"{local.strftime(LOCAL_FORMAT)} {zone_label(local)}"


def stamp_to_the_second(moment: datetime) -> str:
    """As ``stamp``, to the second (an access log entry): ``2026-10-08 10:00:05 UTC`` or
    ``Thu 2026-10-08 04:00:05 MDT (UTC-06:00)``."""
    zone = _ZONE.get()
    if is_utc(zone):
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    local = moment.astimezone(zone)
    return f"{local.strftime('%a %Y-%m-%d %H:%M:%S')} {zone_label(local)}"


def clock(moment: datetime) -> str:
    """A time of day later the same session: ``10:30 UTC``, or ``04:30 MDT (UTC-06:00)``."""
    return clock_span(moment, None)


def clock_span(start: datetime, end: datetime | None) -> str:
    """A window within a session: ``10:30 and 10:50 UTC``, or ``04:30 and 04:50 MDT
    (UTC-06:00)``; each end with its own offset if the clocks change inside it."""
    zone = _ZONE.get()
    if is_utc(zone):
        return (
            " and ".join(f"{m.astimezone(UTC):%H:%M}" for m in (start, end) if m is not None)
            + " UTC"
        )
    shown = [m.astimezone(zone) for m in (start, end) if m is not None]
    if len({m.utcoffset() for m in shown}) > 1:
        return " and ".join(f"{m:%H:%M} {zone_label(m)}" for m in shown)
    times = " and ".join(f"{m:%H:%M}" for m in shown)
    return f"{times} {zone_label(shown[-1])}"


def zone_label(local: datetime) -> str:
    """``MDT (UTC-06:00)``; ``(UTC-03:00)`` alone where the zone has no abbreviation
    (the tz database then writes the offset again, ``-03``)."""
    name = local.strftime("%Z")
    offset = f"(UTC{offset_of(local)})"
    return offset if name.startswith(("+", "-")) else f"{name} {offset}"


def offset_of(local: datetime) -> str:
    """``-06:00``: the offset a zone-aware moment has from UTC."""
    offset = local.strftime("%z")  # +HHMM or -HHMM
    return f"{offset[:3]}:{offset[3:]}"


def localized(text: str, zone: tzinfo | None = None) -> str:
    """``text`` written in UTC with each moment it names (``2026-10-08 10:00 UTC``) in
    ``zone`` instead (default: the zone set by ``clinic_time``). In UTC, ``text`` as is."""
    zone = _ZONE.get() if zone is None else zone
    if is_utc(zone):
        return text

    def local(match: re.Match[str]) -> str:
        moment = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        return stamp_in(moment, zone)

    return _UTC_STAMP.sub(local, text)
