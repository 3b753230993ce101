"""The compliance report as CSV: one format for the dashboard's download and the CLI.

Columns in one order, times in RFC 3339 UTC (``2026-11-20T17:05:00Z``), versions joined
by a space, lines ended CRLF (RFC 4180), and no cell a spreadsheet would run as a
formula. Both callers write through ``findings_csv``, so their files are byte-identical.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

COLUMNS = ("journey_id", "patient_ref", "rule", "occurrence", "versions", "at", "due_at", "detail")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rfc3339_utc(value: datetime | None) -> str:
    """``2026-11-20T17:05:00Z``; empty for no time."""
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def finding_row(finding: Mapping[str, Any]) -> list[str]:
    return [
        str(finding["journey_id"]),
        safe_cell(str(finding["patient_ref"])),
        finding["rule"],
        safe_cell(str(finding["occurrence"])),
        " ".join(str(version) for version in finding["versions"]),
        rfc3339_utc(finding["at"]),
        rfc3339_utc(finding["due_at"]),
        safe_cell(str(finding["detail"] or "")),
    ]


def findings_csv(findings: Iterable[Mapping[str, Any]]) -> str:
    """The header, then one line per finding."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(finding_row(finding) for finding in findings)
    return out.getvalue()
