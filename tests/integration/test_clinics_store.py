"""The clinics' events in their own append-only table, beside the journeys' and apart
from them, on SQLite and PostgreSQL; a new process reads the clinic as it was left."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

import psycopg
import pytest
from eventsourcing.cipher import AESCipher

from interface.services import Services
from interface.settings import Settings
from interface.storage.appendonly import is_protected
from interface.storage.environment import is_postgres_url, sqlite_path

REFUSED = (sqlite3.IntegrityError, psycopg.errors.IntegrityConstraintViolation)
SETTINGS = {"display_name": "Aspen", "time_zone": "America/Denver", "billing_npi": "1234567893"}


def run(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    """Raw SQL on a plain driver connection, as a console or an intruder would send it."""
    if is_postgres_url(database_url):
        with psycopg.connect(database_url, autocommit=True) as connection:
            cursor = connection.execute(sql)  # type: ignore[arg-type]
            return list(cursor.fetchall()) if cursor.description else []
    with closing(sqlite3.connect(sqlite_path(database_url), isolation_level=None)) as conn:
        cursor = conn.execute(sql)
        return list(cursor.fetchall())


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, cipher_key=AESCipher.create_key(16))


def test_clinic_changes_are_kept_in_their_own_protected_table(settings: Settings) -> None:
    services = Services(settings)
    try:
        journeys_table = services.journeys.recorder.events_table_name  # type: ignore[attr-defined]
        position = services.journeys.log_position()
        services.clinics.change_settings("denver", SETTINGS, "ops")
        services.clinics.record_staff_member(
            "denver", {"staff_id": "nurse-kim", "name": "Min Kim", "role": "nurse"}, "ops"
        )
        table = services.clinics.recorder.events_table_name  # type: ignore[attr-defined]
        assert table == "kapclinics_events"
        assert table != journeys_table
        assert services.journeys.log_position() == position  # the journey log is untouched
        assert is_protected(services.engine, table)
        rows = run(settings.database_url, f"SELECT originator_version FROM {table}")
        assert sorted(r[0] for r in rows) == [1, 2, 3]
        for sql in (f"UPDATE {table} SET topic = 'x'", f"DELETE FROM {table}"):
            with pytest.raises(REFUSED):
                run(settings.database_url, sql)
    finally:
        services.close()

    again = Services(settings)  # another process, the same database
    try:
        clinic = again.clinics.clinic("denver")
        assert clinic.settings == SETTINGS
        assert clinic.staff["nurse-kim"]["role"] == "nurse"
        assert again.clinics.context("denver").time_zone == "America/Denver"
    finally:
        again.close()


def test_clinic_changes_are_encrypted_at_rest(settings: Settings) -> None:
    services = Services(settings)
    try:
        services.clinics.change_settings("denver", SETTINGS, "ops")
        rows = run(settings.database_url, "SELECT state FROM kapclinics_events")
    finally:
        services.close()
    stored = b"".join(bytes(r[0]) for r in rows)
    assert b"1234567893" not in stored
    assert b"America/Denver" not in stored


def test_two_writers_of_one_clinic_both_land(settings: Settings) -> None:
    """A change decided on a clinic another process changed meanwhile is decided again."""
    first, second = Services(settings), Services(settings)
    try:
        first.clinics.change_settings("denver", SETTINGS, "ops")
        second.clinics.clinic("denver")  # second has read it
        first.clinics.change_settings("denver", {"phone": "+1 303 555 0142"}, "ops")
        second.clinics.change_settings("denver", {"tax_id": "84-1234567"}, "ops")
        settled = first.clinics.clinic("denver").settings
        assert settled["phone"] == "+1 303 555 0142"
        assert settled["tax_id"] == "84-1234567"
    finally:
        first.close()
        second.close()
