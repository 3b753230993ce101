"""GET /v1/journeys/{id}/replay: the status as it stood, by recording time, by version and
by clinical time; auditors only; each journey judged under its own protocol."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from httpx import Response
from typer.testing import CliRunner

from interface.auth.roles import Role
from interface.cli.main import app as cli
from tests.integration.http.conftest import OTHER_CLINIC, Api, assert_problem, running_api
from tests.story import START, Step, dosing_session, intake, phq9, step

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
BASELINE_VERSION = 3
"""Open (1), consultation (2), baseline PHQ-9 (3)."""


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    """The HTTP tests' app (tokens per role of clinic-a, a settable clock), on each database."""
    with running_api(database_url) as running:
        yield running


def replay(api: Api, journey_id: str, token: object = None, **params: Any) -> Response:
    return api.client.get(
        f"/v1/journeys/{journey_id}/replay",
        params={k: v.isoformat() if isinstance(v, datetime) else v for k, v in params.items()},
        headers=api.headers(token or api.tokens["auditor"]),
    )


def replayed(api: Api, journey_id: str, **params: Any) -> dict[str, Any]:
    answer = replay(api, journey_id, **params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def stage_of(body: dict[str, Any]) -> tuple[str, str, int]:
    status = body["status"]
    return status["stage"], status["next_step"]["code"], status["version"]


@pytest.fixture
def intake_journey(api: Api) -> str:
    """Opened at START (recorded a minute later), then the five intake steps."""
    journey_id = api.journey()
    api.post_all(journey_id, intake())
    return journey_id


def test_as_of_a_moment_gives_the_stage_recorded_by_then(api: Api, intake_journey: str) -> None:
    # Each step is recorded a minute after it occurred (the test clock follows it).
    moments = {
        START + 30 * MINUTE: ("opened", "complete_consultation", 1),
        START + 70 * MINUTE: ("consulted", "record_baseline", 2),
        START + DAY: ("consulted", "complete_screening", 3),
        START + 2 * DAY + HOUR: ("screened", "sign_consent", 4),
        START + 3 * DAY + HOUR: ("consented", "complete_preparation", 5),
        START + 5 * DAY: ("prepared", "pre_dose_check", 6),
    }

    got = {at: stage_of(replayed(api, intake_journey, as_of=at)) for at in moments}

    assert got == moments


def test_as_of_echoes_the_moment_and_judges_the_status_then(api: Api, intake_journey: str) -> None:
    at = START + 2 * DAY + HOUR

    body = replayed(api, intake_journey, as_of=at)

    assert datetime.fromisoformat(body["as_of"]) == at
    assert datetime.fromisoformat(body["evaluated_at"]) == at
    assert (body["version"], body["occurred_as_of"]) == (None, None)
    assert datetime.fromisoformat(body["status"]["last_event_at"]) <= at


def test_version_n_gives_the_stage_each_append_answered(api: Api) -> None:
    journey_id = api.journey()
    answers = [a.json() for a in api.post_all(journey_id, intake())]

    for answer in answers:
        body = replayed(api, journey_id, version=answer["version"])
        assert body["version"] == answer["version"]
        assert stage_of(body) == (
            answer["stage"],
            answer["next_step"]["code"],
            answer["version"],
        )
    opened = replayed(api, journey_id, version=1)
    assert stage_of(opened) == ("opened", "complete_consultation", 1)
    assert datetime.fromisoformat(opened["evaluated_at"]) == START + MINUTE


def test_a_back_dated_late_entry_counts_by_clinical_time_but_not_by_recording_time(
    api: Api,
) -> None:
    journey_id = api.journey()
    consultation, baseline = intake()[:2]
    api.post(journey_id, consultation)
    api.clock.now = START + 2 * DAY  # the baseline, taken on day 0, is keyed in on day 2
    api.post_all(journey_id, [baseline])
    day_one = START + DAY

    by_recording = replayed(api, journey_id, as_of=day_one)
    by_clinical = replayed(api, journey_id, occurred_as_of=day_one)

    assert stage_of(by_recording) == ("consulted", "record_baseline", 2)
    assert "late_entry" not in by_recording["status"]["flags"]
    assert stage_of(by_clinical) == ("consulted", "complete_screening", 3)
    assert "late_entry" in by_clinical["status"]["flags"]
    assert datetime.fromisoformat(by_clinical["occurred_as_of"]) == day_one
    assert by_clinical["as_of"] is None


def correction(changes: dict[str, Any], at: datetime) -> Step:
    data = {"corrects_version": BASELINE_VERSION, "reason": "Keyed wrong.", "data": changes}
    return Step("EntryCorrected", at, data, "therapist")


def test_a_correction_counts_by_its_own_clinical_time(api: Api) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, intake()[:2])  # baseline PHQ-9 17, occurred at START + 1.5 h
    api.post_all(journey_id, [correction({"items": [3, 3, 3, 3, 3, 3, 3, 3, 0]}, START + DAY)])

    def baseline(**point: datetime) -> int:
        return int(replayed(api, journey_id, **point)["status"]["outcomes"]["PHQ-9"]["baseline"])

    assert baseline(occurred_as_of=START + 12 * HOUR) == 17
    assert baseline(occurred_as_of=START + 2 * DAY) == 24
    assert baseline(as_of=START + 12 * HOUR) == 17
    assert baseline(as_of=START + 2 * DAY) == 24


def test_a_correction_of_an_entry_outside_the_clinical_view_is_left_out(api: Api) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, intake()[:2])
    # Dated before the baseline it corrects occurred (a clinic system's odd clock).
    api.post_all(journey_id, [correction({"items": [3] * 8 + [0]}, START + 70 * MINUTE)])

    body = replayed(api, journey_id, occurred_as_of=START + 80 * MINUTE)

    assert stage_of(body) == ("consulted", "record_baseline", 2)
    assert "PHQ-9" not in body["status"]["outcomes"]


def observed(session: list[Step]) -> list[Step]:
    """A session's steps up to its in-session reading: what is left is the discharge."""
    reading = next(i for i, s in enumerate(session) if s.type == "VitalsRecorded")
    return session[: reading + 1]


def test_each_replay_applies_its_own_journeys_protocol(api: Api) -> None:
    dose_day = START + 10 * DAY
    kap = api.journey("MRN-KAP")
    spravato = api.journey("MRN-SPR", protocol="spravato-rems")
    kap_steps = intake() + observed(dosing_session(1, dose_day))
    spravato_steps = intake(route="intranasal") + observed(
        dosing_session(1, dose_day, protocol="spravato-rems")
    )
    api.post_all(kap, kap_steps)
    api.post_all(spravato, spravato_steps)
    # Each under observation: the opening, then its intake and session up to the reading.
    kap_then = replayed(api, kap, version=1 + len(kap_steps))["status"]
    spravato_then = replayed(api, spravato, version=1 + len(spravato_steps))["status"]

    assert kap_then["protocol"]["name"] == "kap-standard"
    assert spravato_then["protocol"]["name"] == "spravato-rems"
    assert spravato_then["next_step"]["code"] == kap_then["next_step"]["code"] == "discharge"
    after_2_hours = f"from {dose_day + 120 * MINUTE:%Y-%m-%d %H:%M} UTC"  # Spravato's minimum
    assert after_2_hours in spravato_then["next_step"]["text"]
    assert after_2_hours not in kap_then["next_step"]["text"]


def test_before_the_journey_opened_is_404_not_yet_open(api: Api) -> None:
    journey_id = api.journey()  # occurred at START, recorded at START + 1 min

    recorded = replay(api, journey_id, as_of=START)
    occurred = replay(api, journey_id, occurred_as_of=START - timedelta(seconds=1))
    beyond = replay(api, journey_id, version=2)

    assert_problem(recorded, 404, "not_yet_open")
    assert_problem(occurred, 404, "not_yet_open")
    assert_problem(beyond, 404, "version_not_recorded")
    assert replayed(api, journey_id, occurred_as_of=START)["status"]["stage"] == "opened"


def test_only_auditors_may_replay(api: Api, intake_journey: str) -> None:
    for role in ("staff", "clinic_system", "admin"):
        answer = replay(api, intake_journey, token=api.tokens[role], version=2)
        assert_problem(answer, 403, "forbidden")


def test_another_clinics_journey_is_404(api: Api, intake_journey: str) -> None:
    their_auditor = api.app.state.services.tokens.issue(Role.AUDITOR, OTHER_CLINIC, "audit")

    answer = replay(api, intake_journey, token=their_auditor, version=2)

    assert_problem(answer, 404, "journey_not_found")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"as_of": "2026-10-02T09:00:00Z", "version": 2},
        {"as_of": "2026-10-02T09:00:00Z", "occurred_as_of": "2026-10-02T09:00:00Z"},
        {"version": 2, "occurred_as_of": "2026-10-02T09:00:00Z"},
        {"as_of": "2026-10-02T09:00:00"},
        {"occurred_as_of": "yesterday"},
        {"as_of": "1790000000"},
        {"version": 0},
        {"version": "two"},
    ],
)
def test_anything_but_exactly_one_well_formed_point_is_422(
    api: Api, intake_journey: str, params: dict[str, Any]
) -> None:
    assert_problem(replay(api, intake_journey, **params), 422, "invalid_request")


def test_the_cli_prints_the_replay_as_json(api: Api, intake_journey: str) -> None:
    env = {"KAP_DATABASE_URL": api.database_url, "KAP_CIPHER_KEY": api.settings.cipher_key}
    runner = CliRunner()

    by_version = runner.invoke(cli, ["audit", "replay", intake_journey, "--version", "4"], env=env)
    by_time = runner.invoke(
        cli,
        ["audit", "replay", intake_journey, "--occurred-as-of", (START + DAY).isoformat()],
        env=env,
    )
    neither = runner.invoke(cli, ["audit", "replay", intake_journey], env=env)
    too_early = runner.invoke(
        cli, ["audit", "replay", intake_journey, "--as-of", START.isoformat()], env=env
    )

    assert by_version.exit_code == 0, by_version.output
    assert json.loads(by_version.output)["status"]["stage"] == "screened"
    assert json.loads(by_version.output)["version"] == 4
    assert by_time.exit_code == 0, by_time.output
    assert json.loads(by_time.output)["status"]["stage"] == "consulted"
    assert neither.exit_code == 2
    assert too_early.exit_code == 1
    assert "not yet open" in too_early.output


def test_replay_of_a_whole_dosing_session_step_by_step(api: Api) -> None:
    """A narrative: every version of the first session replays to the stage it had."""
    journey_id = api.journey()
    steps = [*intake(), *dosing_session(1, START + 10 * DAY)]
    answers = [a.json() for a in api.post_all(journey_id, steps)]
    api.post_all(journey_id, [phq9([1] * 9, START + 12 * DAY, timepoint="follow_up")])
    api.post_all(journey_id, [step("JourneyPaused", START + 13 * DAY)])

    replays = [replayed(api, journey_id, version=a["version"]) for a in answers]
    paused = replayed(api, journey_id, as_of=START + 14 * DAY)

    assert [stage_of(r)[:2] for r in replays] == [
        (a["stage"], a["next_step"]["code"]) for a in answers
    ]
    assert stage_of(paused) == ("paused", "none", len(steps) + 3)
