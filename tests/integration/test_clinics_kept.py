"""Each worker keeps its clinics in memory (every entry and status reads one), yet a
change made by another worker is what the next read sees: each read asks the store for
the clinic's changes since the version kept."""

from __future__ import annotations

from eventsourcing.cipher import AESCipher

from interface.services import Services
from interface.settings import Settings

NURSE = {"staff_id": "nurse-kim", "name": "Min Kim", "role": "nurse"}


def test_a_clinic_kept_by_one_worker_reads_another_workers_change_at_once(
    database_url: str,
) -> None:
    settings = Settings(database_url=database_url, cipher_key=AESCipher.create_key(16))
    first, second = Services(settings), Services(settings)
    try:
        first.clinics.change_settings("denver", {"time_zone": "America/Denver"}, "ops")
        kept = second.clinics.context("denver")
        assert kept.zone.key == "America/Denver"
        assert second.clinics.repository.cache is not None  # kept, not reloaded
        assert second.clinics.context("denver") is kept  # unchanged: made once

        first.clinics.change_settings("denver", {"time_zone": "America/Chicago"}, "ops")
        first.clinics.record_staff_member("denver", NURSE, "ops")

        now = second.clinics.context("denver")
        assert now.zone.key == "America/Chicago"
        assert "nurse-kim" in now.staff
    finally:
        first.close()
        second.close()
