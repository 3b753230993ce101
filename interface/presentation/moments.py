"""Times a client gives, as the API and the pages both read them."""

from __future__ import annotations

from datetime import UTC, datetime


def check_in_utc_range(moment: datetime) -> None:
    """A time is stored in UTC: one whose offset carries it past year 1 or 9999 cannot be
    (a ValueError the caller answers as bad input, never an OverflowError's 500)."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("is outside the years 1-9999 once moved to UTC") from None
