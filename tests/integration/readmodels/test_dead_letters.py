"""One journey whose row the database refuses stops no other: it is skipped, recorded as
a dead letter (read model, journey, version, position, error class: no patient data),
and cleared once a later event of that journey projects fine."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from typer.testing import CliRunner

from interface.cli.main import app as cli
from interface.storage.readmodels.dead_letters import DeadLetter, live_dead_letters
from interface.storage.readmodels.tables import CASELOAD, FINDINGS, SHAPES
from tests.integration.audit.intruder import Intruder
from tests.integration.journeys_app import open_journey, post
from tests.integration.readmodels.harness import ReadModels, cli_env
from tests.integration.readmodels.triggers import REFUSED_REF, drop, refuse_rows_of
from tests.story import intake

NUL_REF = "MRN-\x00-7"
"""A patient reference with a NUL byte, as stored before the wire refused them."""
runner = CliRunner()


def caseload_table(models: ReadModels) -> str:
    live = models.registry.prepare(CASELOAD)
    return live.table_name


def refs(models: ReadModels) -> list[str]:
    return sorted(row["patient_ref"] for row in models.live_rows(CASELOAD))


def dead_letters(models: ReadModels) -> list[tuple[str, UUID, int, int, str]]:
    return [
        (d.name, d.journey_id, d.version, d.position, d.error_class)
        for d in live_dead_letters(models.engine)
    ]


def test_a_row_the_database_refuses_is_skipped_and_the_others_are_projected(models):
    refuse_rows_of(models.engine, caseload_table(models))
    first = open_journey(models.app, "MRN-1")
    refused = open_journey(models.app, REFUSED_REF)
    open_journey(models.app, "MRN-3", clinic="clinic-b")
    end = models.store_position()

    models.project_all()

    assert refs(models) == ["MRN-1", "MRN-3"]
    assert {name: models.registry.live(shape).position for name, shape in SHAPES.items()} == {
        "caseload": end,
        "findings": end,
    }
    error = "IntegrityError" if models.url.startswith("sqlite") else "DataException"
    assert dead_letters(models) == [("caseload", refused, 1, end, error)]
    assert first not in [d[1] for d in dead_letters(models)]


def test_a_nul_byte_stored_before_the_wire_refused_it_stops_no_other_journey(models):
    open_journey(models.app, "MRN-1")
    nul = open_journey(models.app, NUL_REF)
    for step in intake()[:3]:
        post(models.app, nul, step)
    open_journey(models.app, "MRN-3")
    end = models.store_position()

    models.project_all()

    for shape in SHAPES.values():
        assert models.registry.live(shape).position == end
    if models.url.startswith("sqlite"):  # SQLite stores the byte: nothing to skip
        assert refs(models) == sorted(["MRN-1", NUL_REF, "MRN-3"])
        assert dead_letters(models) == []
    else:  # PostgreSQL text cannot hold NUL: that one journey is skipped in each model
        assert refs(models) == ["MRN-1", "MRN-3"]
        assert [(d[0], d[1], d[2], d[4]) for d in dead_letters(models)] == [
            ("caseload", nul, 4, "DataError")
        ]
        assert not [r for r in models.live_rows(FINDINGS) if r["journey_id"] == nul]


def test_a_journey_whose_stored_entries_no_longer_fold_stops_no_other(models):
    open_journey(models.app, "MRN-1")
    damaged = open_journey(models.app, "MRN-2")
    for step in intake():
        post(models.app, damaged, step)
    intruder = Intruder(models.url, models.app)
    intruder.drop_protection()
    third, fourth = intruder.row(damaged, 3)[0], intruder.row(damaged, 4)[0]
    intruder.overwrite(damaged, 3, fourth)  # each keeps its type: the fold trips on it
    intruder.overwrite(damaged, 4, third)
    open_journey(models.app, "MRN-3")
    end = models.store_position()

    models.project_all()

    assert refs(models) == ["MRN-1", "MRN-3"]
    assert [(d[0], d[1], d[2], d[3]) for d in dead_letters(models)] == [
        ("caseload", damaged, 6, end),
        ("findings", damaged, 6, end),
    ]


def test_a_later_failure_supersedes_the_dead_letter_and_a_later_success_clears_it(models):
    table = caseload_table(models)
    trigger = refuse_rows_of(models.engine, table)
    refused = open_journey(models.app, REFUSED_REF)
    models.project_all()
    steps = intake()

    post(models.app, refused, steps[0])
    models.project_all()
    superseded = dead_letters(models)
    drop(models.engine, trigger, table)
    post(models.app, refused, steps[1])
    models.project_all()

    assert [(d[1], d[2]) for d in superseded] == [(refused, 2)]
    assert dead_letters(models) == []
    assert [(r["patient_ref"], r["version"]) for r in models.live_rows(CASELOAD)] == [
        (REFUSED_REF, 3)
    ]


def test_project_failures_lists_each_skipped_journey_on_one_line_without_patient_data(models):
    refuse_rows_of(models.engine, caseload_table(models))
    open_journey(models.app, "MRN-1")
    refused = open_journey(models.app, REFUSED_REF)
    models.project_all()
    (letter,) = live_dead_letters(models.engine)

    listed = runner.invoke(cli, ["project", "--failures"], env=cli_env(models))

    assert listed.exit_code == 0, listed.output
    lines = listed.output.strip().splitlines()
    assert lines == [letter.line(), "1 journeys not projected"]
    assert f"journey {refused} version 1 at position" in lines[0]
    assert "MRN" not in listed.output


def test_project_failures_says_so_when_nothing_was_skipped(models):
    open_journey(models.app, "MRN-1")
    models.project_all()

    listed = runner.invoke(cli, ["project", "--failures"], env=cli_env(models))

    assert listed.exit_code == 0, listed.output
    assert listed.output.strip().splitlines() == ["no projection failures"]


def test_a_dead_letter_line_names_no_more_than_model_journey_version_position_and_class():
    at = datetime(2026, 10, 1, 9, tzinfo=UTC)
    letter = DeadLetter("caseload", 2, UUID(int=7), 4, 19, "DataError", at)

    assert letter.line() == (
        "caseload generation 2: journey 00000000-0000-0000-0000-000000000007 version 4 "
        "at position 19: DataError (2026-10-01T09:00:00+00:00)"
    )
