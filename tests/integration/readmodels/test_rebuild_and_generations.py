"""Rebuilding beside the live copy: the CLI swaps in identical rows and drops the old
table, reads keep answering meanwhile, a changed table shape is built beside the old one
and swapped in once caught up, and projectors racing on one generation apply each batch
exactly once."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import pytest
from typer.testing import CliRunner

from application.projections.projector import Projector
from interface.cli.main import app as cli
from interface.readmodels.caseload import CaseloadQuery, Caseloads, ReadModelNotReadyError
from interface.readmodels.findings import Findings, FindingsQuery
from interface.readmodels.rows import ROWS_OF
from interface.readmodels.runtime import Projections, projector_for
from interface.storage.readmodels.generations import ACTIVE, BUILDING
from interface.storage.readmodels.tables import CASELOAD, FINDINGS, SHAPES
from interface.storage.readmodels.targets import GenerationTarget
from tests.integration.readmodels.backlog import write_backlog
from tests.integration.readmodels.harness import ReadModels, cli_env
from tests.integration.readmodels.racing import RecordingTarget, assert_a_chain
from tests.integration.readmodels.stories import CLINICS
from tests.story import START

CASELOAD_NEXT = dataclasses.replace(CASELOAD, schema_version=CASELOAD.schema_version + 1)
"""The caseload with a changed table shape (same columns: only the version moves)."""
runner = CliRunner()


def tell(models: ReadModels, count: int, first: int = 0) -> None:
    """Save ``count`` more journeys, numbered from ``first``."""
    write_backlog(models, count, first)


def reads(models: ReadModels) -> dict[str, Any]:
    """What staff and auditors read now, through the query classes."""
    now = START.replace(year=START.year + 1)
    caseloads = Caseloads(models.engine, models.registry)
    findings = Findings(models.engine, models.registry)
    return {
        clinic: (
            caseloads.page(CaseloadQuery(clinic, now, limit=500)).journeys,
            findings.standing(FindingsQuery(clinic, now)),
        )
        for clinic in CLINICS
    }


def test_the_rebuild_command_swaps_in_identical_rows_and_drops_the_old_tables(models):
    tell(models, 8)
    models.project_all()
    old = {name: models.registry.live(shape) for name, shape in SHAPES.items()}
    before = {name: models.live_rows(shape) for name, shape in SHAPES.items()}

    done = runner.invoke(cli, ["rebuild"], env=cli_env(models))

    assert done.exit_code == 0, done.output
    for name, shape in SHAPES.items():
        live = models.registry.live(shape)
        assert live is not None
        assert live.generation > old[name].generation
        assert f"{name}: generation {live.generation} is live" in done.output
        assert live.position == models.store_position()
        assert models.live_rows(shape) == before[name]
        assert not models.has_table(old[name].table_name)
        assert (name, old[name].generation) not in models.positions()


def test_the_rebuild_command_can_rebuild_one_read_model_and_refuses_an_unknown_one(models):
    tell(models, 3)
    models.project_all()
    findings = models.registry.live(FINDINGS)
    caseload = models.registry.live(CASELOAD)

    one = runner.invoke(cli, ["rebuild", "--read-model", "caseload"], env=cli_env(models))
    unknown = runner.invoke(cli, ["rebuild", "--read-model", "nope"], env=cli_env(models))

    assert one.exit_code == 0, one.output
    assert models.registry.live(CASELOAD).generation > caseload.generation
    assert models.registry.live(FINDINGS) == findings
    assert unknown.exit_code == 2
    assert "unknown read model" in unknown.output


def test_reads_keep_answering_from_the_live_generation_while_a_rebuild_runs(models):
    tell(models, 8)
    live = {name: models.live_projector(shape) for name, shape in SHAPES.items()}
    for projector in live.values():
        projector.catch_up()
    before, old = reads(models), models.registry.live(CASELOAD)
    fresh = models.registry.start(CASELOAD)
    building = models.fixed_projector(CASELOAD, fresh.generation, batch_size=5)

    building.process_batch()

    assert 0 < building.position() < models.store_position()
    assert reads(models) == before
    tell(models, 1, first=100)  # the live copy keeps following the log meanwhile
    for projector in live.values():
        projector.catch_up()
    during = reads(models)
    assert during != before
    building.catch_up()
    models.registry.activate(CASELOAD, fresh.generation)
    assert models.registry.live(CASELOAD).generation == fresh.generation
    assert reads(models) == during
    assert not models.has_table(old.table_name)


def promote(models: ReadModels, shape: Any) -> int:
    """What ``Projections.promote_built`` does for a shape built beside the old one."""
    followed = models.registry.followed(shape)
    assert followed is not None
    assert followed.status == BUILDING
    models.registry.activate(shape, followed.generation)
    return followed.generation


def test_a_changed_table_shape_is_built_beside_the_old_one_and_swapped_in_once_caught_up(
    models,
):
    tell(models, 8)
    models.project_all()
    old_code = models.live_projector(CASELOAD)
    old = models.registry.live(CASELOAD)
    before = reads(models)

    building = models.registry.prepare(CASELOAD_NEXT)
    new_code = projector_for(models.app, models.engine, models.registry, CASELOAD_NEXT, None, 5)
    new_code.process_batch()

    next_version = CASELOAD.schema_version + 1
    assert (building.status, building.table_name) == (BUILDING, f"rm_caseload_v{next_version}_g2")
    assert models.has_table(old.table_name)
    assert models.registry.live(CASELOAD_NEXT) is None
    assert reads(models) == before, "the old shape answers until the new one is live"
    tell(models, 1, first=100)
    old_code.catch_up()
    assert reads(models) != before, "and keeps following the log"

    new_code.catch_up()
    expected = models.live_rows(CASELOAD)
    generation = promote(models, CASELOAD_NEXT)

    assert models.registry.live(CASELOAD_NEXT).generation == generation
    assert models.rows(CASELOAD_NEXT, generation) == expected
    assert not models.has_table(old.table_name)
    with pytest.raises(ReadModelNotReadyError):  # code of the old shape has retired
        Caseloads(models.engine, models.registry).page(CaseloadQuery(CLINICS[0], START))


def racing_projectors(models: ReadModels, target: RecordingTarget) -> list[Projector]:
    return [Projector(models.app, target, batch_size=size) for size in (4, 5)]


def test_two_live_projectors_racing_on_one_generation_apply_each_batch_exactly_once(models):
    tell(models, 4)
    models.registry.prepare(CASELOAD)
    followed = GenerationTarget(models.engine, models.registry, CASELOAD, ROWS_OF["caseload"])
    target = RecordingTarget(followed, gate=threading.Barrier(2, timeout=2))
    posted, errors = threading.Event(), []

    def follow(projector: Projector) -> None:
        try:
            while not (posted.is_set() and projector.position() >= models.store_position()):
                projector.catch_up()
                time.sleep(0.001)
        except Exception as error:  # reported by the test
            errors.append(error)

    threads = [
        threading.Thread(target=follow, args=(p,)) for p in racing_projectors(models, target)
    ]
    for thread in threads:
        thread.start()
    for number in range(10, 16):
        tell(models, 1, first=number)
    posted.set()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert not errors
    assert target.refused > 0, "the projectors did race"
    assert_a_chain(target.applied, models.store_position())
    assert models.live_rows(CASELOAD) == models.rows(CASELOAD, models.build_fresh(CASELOAD))


def test_an_older_projector_still_running_never_swaps_its_old_shape_back_in(models):
    tell(models, 3)
    models.project_all()
    models.registry.prepare(CASELOAD_NEXT)
    projector_for(models.app, models.engine, models.registry, CASELOAD_NEXT).catch_up()
    generation = promote(models, CASELOAD_NEXT)

    older = Projections(models.app, models.engine, models.registry)  # knows caseload v1
    for projector in older.loop.projectors:
        projector.catch_up()
    older.promote_built()

    live = models.registry.live(CASELOAD_NEXT)
    assert live is not None
    assert (live.generation, live.status) == (generation, ACTIVE)
