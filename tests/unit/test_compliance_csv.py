"""The one compliance CSV format: column order, RFC 3339 UTC times, no formula cells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

from interface.audit.compliance_csv import findings_csv, rfc3339_utc

JOURNEY = UUID("0c8d1f3e-8a4b-8c2d-9e1f-2a3b4c5d6e7f")


def finding(**changes: object) -> dict[str, object]:
    return {
        "journey_id": JOURNEY,
        "patient_ref": "MRN-0042",
        "rule": "C-05",
        "occurrence": "session-1",
        "versions": [3, 11],
        "at": datetime(2026, 11, 20, 17, 5, tzinfo=UTC),
        "due_at": None,
        "detail": "Observed for 40 minutes, less than 75.",
        **changes,
    }


def test_times_are_utc_with_a_z_whatever_offset_they_carry():
    plus_two = timezone(timedelta(hours=2))
    assert rfc3339_utc(datetime(2026, 11, 20, 19, 5, tzinfo=plus_two)) == "2026-11-20T17:05:00Z"
    assert rfc3339_utc(datetime(2026, 11, 20, 17, 5, tzinfo=UTC)) == "2026-11-20T17:05:00Z"
    assert rfc3339_utc(None) == ""


def test_one_line_per_finding_in_the_columns_order():
    text = findings_csv([finding(due_at=datetime(2026, 11, 21, 9, 0, tzinfo=UTC))])

    assert text == (
        "journey_id,patient_ref,rule,occurrence,versions,at,due_at,detail\r\n"
        f"{JOURNEY},MRN-0042,C-05,session-1,3 11,2026-11-20T17:05:00Z,"
        '2026-11-21T09:00:00Z,"Observed for 40 minutes, less than 75."\r\n'
    )


def test_no_cell_starts_a_spreadsheet_formula():
    text = findings_csv([finding(patient_ref="=HYPERLINK(1)", detail="-1+1")])

    assert ",'=HYPERLINK(1)," in text
    assert text.endswith(",'-1+1\r\n")


def test_no_findings_is_the_header_alone():
    assert (
        findings_csv([]) == "journey_id,patient_ref,rule,occurrence,versions,at,due_at,detail\r\n"
    )
