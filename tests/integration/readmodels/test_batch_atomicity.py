"""A batch's rows and its position are one transaction: a failure between the two writes,
whichever comes first, leaves both as they were (then the batch is simply retried).

Deterministic where the SIGKILL test is a matter of timing: the rows are written and
then the transaction fails (``CrashAfterRows``), or the position will not move (a
trigger). Writing the rows and the position in two transactions fails one of them."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Table

from application.projections.projector import ProjectionFailure, Projector
from interface.readmodels.rows import ROWS_OF
from interface.storage.readmodels.tables import CASELOAD, FINDINGS
from interface.storage.readmodels.targets import GenerationTarget, Made
from tests.integration.journeys_app import open_journey, post
from tests.integration.readmodels.harness import ReadModels, Rows
from tests.integration.readmodels.triggers import drop, refuse_position_moves
from tests.story import intake


class CrashError(Exception):
    """The process dies between the writes (as far as the transaction can tell)."""


class CrashAfterRows(GenerationTarget):
    """Writes a batch's rows, then fails before its transaction commits."""

    def write_rows(
        self, connection: Connection, table: Table, made: Made, upto: int
    ) -> list[ProjectionFailure]:
        super().write_rows(connection, table, made, upto)
        raise CrashError


def projected_twice_then_more_posted(models: ReadModels) -> tuple[Rows, int]:
    """Two journeys projected; then one more event and one more journey, not yet
    projected. The caseload's rows and position as they stood."""
    first = open_journey(models.app, "MRN-1")
    open_journey(models.app, "MRN-2")
    models.project_all()
    before = (models.live_rows(CASELOAD), models.registry.live(CASELOAD).position)
    post(models.app, first, intake()[0])
    open_journey(models.app, "MRN-3")
    assert before[1] < models.store_position()
    return before


def state(models: ReadModels) -> tuple[Rows, int]:
    return models.live_rows(CASELOAD), models.registry.live(CASELOAD).position


def test_rows_written_then_a_failure_before_commit_leave_rows_and_position(models):
    before = projected_twice_then_more_posted(models)
    crashing = CrashAfterRows(models.engine, models.registry, CASELOAD, ROWS_OF["caseload"])

    with pytest.raises(CrashError):
        Projector(models.app, crashing).catch_up()

    assert state(models) == before


def test_a_position_that_will_not_move_leaves_the_rows(models):
    before = projected_twice_then_more_posted(models)
    trigger = refuse_position_moves(models.engine, "caseload")

    with pytest.raises(Exception, match="refused by test trigger"):
        models.live_projector(CASELOAD).catch_up()
    drop(models.engine, trigger, "read_model_generations")

    assert state(models) == before


def test_after_either_failure_the_batch_is_applied_once_on_retry(models):
    projected_twice_then_more_posted(models)
    crashing = CrashAfterRows(models.engine, models.registry, CASELOAD, ROWS_OF["caseload"])
    with pytest.raises(CrashError):
        Projector(models.app, crashing).catch_up()

    models.project_all()

    assert models.registry.live(CASELOAD).position == models.store_position()
    for shape in (CASELOAD, FINDINGS):
        assert models.live_rows(shape) == models.rows(shape, models.build_fresh(shape))
    assert {r["patient_ref"]: r["version"] for r in models.live_rows(CASELOAD)} == {
        "MRN-1": 2,
        "MRN-2": 1,
        "MRN-3": 1,
    }
