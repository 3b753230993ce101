"""``kap-journeys project`` started before its PostgreSQL database exists keeps trying,
and once the database is there follows the log like any projector; it stops cleanly."""

from __future__ import annotations

import signal

import pytest

from interface.storage.readmodels.tables import SHAPES
from tests.integration.http.test_health_late_database import database_made_later
from tests.integration.journeys_app import new_key, open_journey
from tests.integration.readmodels.harness import ReadModels
from tests.integration.readmodels.processes import start_projector_on, stop, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_a_projector_started_before_its_database_follows_it_once_it_is_there(tmp_path):
    log = tmp_path / "project.log"
    key = new_key()
    with database_made_later() as (url, make_database):
        env: dict[str, str | None] = {"KAP_DATABASE_URL": url, "KAP_CIPHER_KEY": key}
        projector = start_projector_on(env, log)
        try:
            wait_for(  # an attempt to set up failed (it waits for a connection a while)
                lambda: True if "not set up yet" in log.read_text() else None,
                projector,
                log,
                timeout=30,
                every=0.2,
            )
            make_database()
            models = ReadModels(url, key)
            try:
                open_journey(models.app, "MRN-1")
                open_journey(models.app, "MRN-2")
                end = models.store_position()

                def caught_up() -> bool | None:
                    live = [models.registry.live(shape) for shape in SHAPES.values()]
                    return True if all(g and g.position == end for g in live) else None

                wait_for(caught_up, projector, log, timeout=20, every=0.1)
                projector.send_signal(signal.SIGTERM)
                assert projector.wait(timeout=15) == 0, log.read_text()
                rows = models.live_rows(SHAPES["caseload"])
            finally:
                models.close()
        finally:
            stop(projector)

    assert sorted(row["patient_ref"] for row in rows) == ["MRN-1", "MRN-2"]
    assert "Traceback" not in log.read_text()
