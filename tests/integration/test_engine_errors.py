"""A failed statement's error names the statement and the error class, never the values
bound to it: they are patient data, and errors reach operators' screens and logs.

(PostgreSQL's own messages can still quote a value: a unique violation's DETAIL names the
key, a not-null or check violation the failing row, a bad input its text. So code that
shows an error to an operator prints its class and table, as rebuild and the projections
do, never ``str(error)``.)
"""

from __future__ import annotations

import pytest
import sqlalchemy

from interface.storage.engine import create_sql_engine

PATIENT_REF = "MRN-SECRET-0042"
NOTE = "disclosed-a-private-matter"


def test_a_failed_statement_does_not_echo_its_parameters(database_url):
    engine = create_sql_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("CREATE TABLE refs (ref VARCHAR(5) UNIQUE, note TEXT)"))
        connection.execute(sqlalchemy.text("INSERT INTO refs VALUES ('a', 'b')"))
    # SQLite ignores VARCHAR lengths, so a duplicate there; on PostgreSQL a value too long
    # (whose message, unlike a duplicate's, does not quote the value itself).
    ref = "a" if database_url.startswith("sqlite") else PATIENT_REF
    with pytest.raises(sqlalchemy.exc.DBAPIError) as raised, engine.begin() as connection:
        connection.execute(
            sqlalchemy.text("INSERT INTO refs VALUES (:ref, :note)"), {"ref": ref, "note": NOTE}
        )
    shown = str(raised.value)
    assert "INSERT INTO refs" in shown  # still says which statement failed
    assert NOTE not in shown
    assert PATIENT_REF not in shown
    engine.dispose()
