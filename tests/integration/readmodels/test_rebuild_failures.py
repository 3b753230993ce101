"""A rebuild skips a journey it cannot write, like the live projection; a rebuild that
fails removes its half-built generation and says so in one line, with no traceback,
no SQL and no patient data."""

from __future__ import annotations

from typer.testing import CliRunner

from interface.cli.main import app as cli
from interface.storage.readmodels.dead_letters import live_dead_letters
from interface.storage.readmodels.generations import ACTIVE
from interface.storage.readmodels.tables import CASELOAD, FINDINGS
from tests.integration.journeys_app import new_key, open_journey
from tests.integration.readmodels.harness import ReadModels, cli_env
from tests.integration.readmodels.test_dead_letters import NUL_REF, refs
from tests.integration.readmodels.triggers import refuse_position_moves

runner = CliRunner()


def statuses(models: ReadModels) -> dict[tuple[str, int], str]:
    return {key: status for key, (status, _) in models.positions().items()}


def test_a_rebuild_skips_a_journey_it_cannot_write_and_swaps_in_the_rest(models):
    open_journey(models.app, "MRN-1")
    nul = open_journey(models.app, NUL_REF)
    open_journey(models.app, "MRN-3")
    models.project_all()
    old = models.registry.live(CASELOAD)

    done = runner.invoke(cli, ["rebuild"], env=cli_env(models))

    assert done.exit_code == 0, done.output
    live = models.registry.live(CASELOAD)
    assert live.generation > old.generation
    assert not models.has_table(old.table_name)
    assert set(statuses(models).values()) == {ACTIVE}
    skipped = [(d.name, d.generation, d.journey_id) for d in live_dead_letters(models.engine)]
    if models.url.startswith("sqlite"):
        assert refs(models) == sorted(["MRN-1", NUL_REF, "MRN-3"])
        assert skipped == []
    else:
        assert refs(models) == ["MRN-1", "MRN-3"]
        assert skipped == [("caseload", live.generation, nul)]  # the old one's went with it
        assert "caseload: 1 journeys could not be projected" in done.output
    assert "MRN" not in done.output


def test_a_rebuild_that_fails_removes_its_generation_and_says_so_in_one_line(models):
    open_journey(models.app, "MRN-0042")
    models.project_all()
    before = statuses(models)
    live_rows = models.live_rows(CASELOAD)
    refuse_position_moves(models.engine, "caseload")

    done = runner.invoke(cli, ["rebuild"], env=cli_env(models))

    assert done.exit_code == 1, done.output
    (line,) = done.output.strip().splitlines()[-1:]
    assert line.startswith("error: rebuilding caseload failed (")
    unfinished = f"rm_caseload_v{CASELOAD.schema_version}_g2"
    assert f"its unfinished table {unfinished} was removed" in line
    assert "Traceback" not in done.output
    assert "[SQL" not in done.output
    assert "MRN-0042" not in done.output
    assert statuses(models) == before, "no generation left building"
    assert not models.has_table(CASELOAD.table_name(2))
    assert models.live_rows(CASELOAD) == live_rows
    assert models.registry.live(FINDINGS).generation == 1, "stopped at the first failure"


def test_a_rebuild_against_a_database_that_is_not_there_fails_in_one_line(tmp_path):
    url = f"postgresql://postgres@127.0.0.1:1/{tmp_path.name}"  # nothing listens on port 1

    done = runner.invoke(
        cli, ["rebuild"], env={"KAP_DATABASE_URL": url, "KAP_CIPHER_KEY": new_key()}
    )

    assert done.exit_code == 1, done.output
    assert done.output.strip().splitlines() == [
        "error: rebuilding caseload failed (OperationalError); the live copy is unchanged"
    ]
