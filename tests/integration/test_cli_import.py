"""``kap-journeys import FILE.ndjson``: 10,000 events over 100 journeys, in chunks of
1,000, resumable after an interruption, with a summary and the first refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.cipher import AESCipher
from typer.testing import CliRunner

from application.answers import OpenJourney
from domain.entries import Actor, Posting
from interface.cli.main import app
from interface.services import Services
from interface.settings import Settings
from tests.story import START, Step, dosing_session, intake, step

runner = CliRunner()
CLINIC = "clinic-a"
JOURNEYS = 100
PER_JOURNEY = 100
DOSE_AT = START + timedelta(days=10)


def journey_lines(journey_id: str) -> list[dict[str, Any]]:
    """Intake, a first dose, then vitals every 5 seconds: ``PER_JOURNEY`` events."""
    steps: list[Step] = [*intake(), *dosing_session(1, DOSE_AT)[:2]]
    steps += [
        step("VitalsRecorded", DOSE_AT + timedelta(seconds=5 * n), session=1)
        for n in range(1, PER_JOURNEY - len(steps) + 1)
    ]
    return [{"journey_id": journey_id, **s.envelope()} for s in steps]


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return {
        "KAP_DATABASE_URL": database_url,
        "KAP_CIPHER_KEY": AESCipher.create_key(16),
        "KAP_RUN_PROJECTIONS": "false",
    }


def open_journeys(env: dict[str, str], count: int) -> list[str]:
    services = Services(
        Settings(database_url=env["KAP_DATABASE_URL"], cipher_key=env["KAP_CIPHER_KEY"])
    )
    try:
        opening = Posting(START, START, Actor("coord-sam", "coordinator"), "setup")
        return [
            str(
                services.journeys.open_journey(
                    CLINIC, OpenJourney(f"MRN-{n}", 1, "kap-standard", "dr-lee", ["trd"]), opening
                ).journey_id
            )
            for n in range(count)
        ]
    finally:
        services.close()


def write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def history_lengths(env: dict[str, str], ids: list[str]) -> list[int]:
    services = Services(
        Settings(database_url=env["KAP_DATABASE_URL"], cipher_key=env["KAP_CIPHER_KEY"])
    )
    try:
        from uuid import UUID

        return [len(services.journeys.history(CLINIC, UUID(i))) for i in ids]
    finally:
        services.close()


def import_file(env: dict[str, str], path: Path) -> Any:
    return runner.invoke(app, ["import", str(path), "--clinic", CLINIC], env=env)


def test_ten_thousand_events_import_resume_after_half_and_answer_200_again(env, tmp_path):
    ids = open_journeys(env, JOURNEYS)
    by_journey = [journey_lines(i) for i in ids]
    # Interleaved as an export would list them: by time, journeys side by side.
    lines = [line for group in zip(*by_journey, strict=True) for line in group]
    assert len(lines) == 10_000
    whole = write(tmp_path / "all.ndjson", lines)
    half = write(tmp_path / "half.ndjson", lines[:5000])

    first = import_file(env, half)
    assert first.exit_code == 0, first.output
    assert "5000 created, 0 replayed, 0 refused, 0 skipped of 5000 lines" in first.output
    assert "5000/5000" in first.output  # the progress bar's last state

    rest = import_file(env, whole)
    assert rest.exit_code == 0, rest.output
    assert "5000 created, 5000 replayed, 0 refused, 0 skipped of 10000 lines" in rest.output

    again = import_file(env, whole)
    assert "0 created, 10000 replayed" in again.output
    assert history_lengths(env, ids) == [1 + PER_JOURNEY] * JOURNEYS


def test_refused_lines_stop_their_journey_across_chunks_and_exit_non_zero(env, tmp_path):
    a, b = open_journeys(env, 2)
    dose_unscreened = {"journey_id": b, **dosing_session(1, DOSE_AT)[1].envelope()}
    lines = [
        *journey_lines(a)[:5],
        {"journey_id": b, **intake()[0].envelope()},
        dose_unscreened,
        *[{"journey_id": b, **s.envelope()} for s in intake()[1:]],
        {"journey_id": a, "type": "Nonsense"},
    ]
    path = write(tmp_path / "mixed.ndjson", lines)
    with path.open("a") as extra:
        extra.write('{"journey_id": "x", "journey_id": "y"}\n\n')

    answer = import_file(env, path)

    assert answer.exit_code == 1
    assert "6 created, 0 replayed, 3 refused, 4 skipped of 13 lines" in answer.output
    assert "line 7: 409 protocol_violation:" in answer.output
    assert "line 8: skipped: line 7 of its journey was refused" in answer.output
    assert "line 12: 422 invalid_request:" in answer.output
    assert "line 13: 422 invalid_json:" in answer.output
    assert history_lengths(env, [a, b]) == [6, 2]
