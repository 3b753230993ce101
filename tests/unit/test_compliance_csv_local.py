"""A clinic outside UTC gets its wall clock in the compliance CSV: two columns at the end
(the others keep their places), RFC 3339 with the offset each instant had."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from interface.audit.compliance_csv import COLUMNS, findings_csv
from interface.presentation.compliance_report import local_finding
from tests.unit.test_compliance_csv import finding

DENVER = ZoneInfo("America/Denver")
BEFORE_THE_CHANGE = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
AFTER_THE_CHANGE = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_local_columns_follow_the_utc_ones_at_the_end():
    text = findings_csv([finding(at=BEFORE_THE_CHANGE, due_at=AFTER_THE_CHANGE)], DENVER)

    header = text.splitlines()[0].split(",")
    assert header == [*COLUMNS, "at_local", "due_at_local"]
    (row,) = rows(text)
    assert row["at"] == "2026-10-31T16:00:00Z"
    assert row["at_local"] == "2026-10-31T10:00:00-06:00"
    assert row["due_at"] == "2026-11-02T16:00:00Z"
    assert row["due_at_local"] == "2026-11-02T09:00:00-07:00"  # after the clocks went back


def test_no_due_time_leaves_its_local_cell_empty():
    (row,) = rows(findings_csv([finding(due_at=None)], DENVER))

    assert row["due_at"] == row["due_at_local"] == ""
    assert row["at_local"] == "2026-11-20T10:05:00-07:00"


def test_in_utc_the_file_is_as_it_always_was():
    for zone in (UTC, ZoneInfo("UTC"), ZoneInfo("Etc/UTC")):
        text = findings_csv([finding()], zone)
        assert text == findings_csv([finding()])
        assert text.splitlines()[0] == ",".join(COLUMNS)


def test_a_stored_finding_reads_its_moments_in_the_clinics_zone():
    stored = finding(
        at=BEFORE_THE_CHANGE,
        due_at=AFTER_THE_CHANGE,
        detail="Integration is not on record; it was due by 2026-11-02 16:00 UTC.",
    )

    local = local_finding(stored, DENVER)
    (row,) = rows(findings_csv([local], DENVER))

    assert local["detail"] == (
        "Integration is not on record; it was due by Mon 2026-11-02 09:00 MST (UTC-07:00)."
    )
    assert local["at_local"] == BEFORE_THE_CHANGE
    assert local["at_local"].utcoffset().total_seconds() == -6 * 3600
    assert row["detail"] == local["detail"]
    assert stored["detail"].endswith("16:00 UTC.")  # the stored row is left as it was
    assert local_finding(stored, UTC) == stored
