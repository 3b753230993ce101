"""The compliance report as CSV: one format for the dashboard's download and the CLI.

Columns in one order, times in RFC 3339 UTC (``2026-11-20T17:05:00Z``), versions joined
by a space, lines ended CRLF (RFC 4180), and no cell a spreadsheet would run as a
formula. Both callers write through ``findings_csv``, so their files are byte-identical.

A clinic with a time zone other than UTC gets two more columns at the end (so the
others keep their places): ``at_local`` and ``due_at_local``, the same instants in RFC
3339 with the clinic's offset (``2026-11-20T10:05:00-07:00``); its details already name
moments in its zone. In UTC they would repeat ``at`` and ``due_at``, so the file stays
as it always was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from domain.local_time import is_utc

COLUMNS = ("journey_id", "patient_ref", "rule", "occurrence", "versions", "at", "due_at", "detail")
LOCAL_COLUMNS = ("at_local", "due_at_local")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rfc3339_utc(value: datetime | None) -> str:
    """``2026-11-20T17:05:00Z``; empty for no time."""
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def rfc3339_local(value: datetime | None, zone: tzinfo) -> str:
    """``2026-11-20T10:05:00-07:00``: the instant with the zone's offset then."""
    return "" if value is None else value.astimezone(zone).isoformat()


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def finding_row(finding: Mapping[str, Any], zone: tzinfo = UTC) -> list[str]:
    row = [
        str(finding["journey_id"]),
        safe_cell(str(finding["patient_ref"])),
        finding["rule"],
        safe_cell(str(finding["occurrence"])),
        " ".join(str(version) for version in finding["versions"]),
        rfc3339_utc(finding["at"]),
        rfc3339_utc(finding["due_at"]),
        safe_cell(str(finding["detail"] or "")),
    ]
    if not is_utc(zone):
        row += [rfc3339_local(finding["at"], zone), rfc3339_local(finding["due_at"], zone)]
    return row


def findings_csv(findings: Iterable[Mapping[str, Any]], zone: tzinfo = UTC) -> str:
    """The header, then one line per finding; local columns for a zone other than UTC."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS if is_utc(zone) else COLUMNS + LOCAL_COLUMNS)
    writer.writerows(finding_row(finding, zone) for finding in findings)
    return out.getvalue()
