"""The compliance report: ``GET /v1/audit/compliance`` and ``kap-journeys audit compliance``.

One clinic's journeys are told over HTTP, each breaking one C-rule that the API lets
through (a duty left undone, a late entry, a correction, an override...), beside a clean
journey and another clinic's journey. The report names each finding's journey, the
event versions involved, when and why; its filters narrow it; the CLI's CSV and JSON
say the same as the API, catching the read model up first when no projector runs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import pytest
import sqlalchemy
from fastapi.testclient import TestClient
from httpx import Response
from typer.testing import CliRunner

from domain.compliance import RULES as DOMAIN_RULES
from interface.auth.roles import Role
from interface.cli.audit import compliance as compliance_cli
from interface.cli.main import app as cli_app
from interface.http.app import create_app
from interface.http.routes.audit_compliance import RuleId
from interface.services import Services
from interface.storage.readmodels.generations import ACTIVE, Generations
from interface.storage.readmodels.tables import FINDINGS, ReadModelShape
from tests.databases import throwaway_postgres
from tests.integration.http.conftest import (
    NO_TOKEN,
    OTHER_CLINIC,
    Api,
    Clock,
    assert_problem,
    build_settings,
    running_api,
)
from tests.story import START, Step, dosing_session, intake, phq9

RULES = [f"C-{n:02d}" for n in range(1, 14)]
DOSE_DAY = START + timedelta(days=10)
DISCHARGED = DOSE_DAY + timedelta(minutes=75)
"""When the KAP story's session 1 is discharged (75 min of observation)."""
LATER = DOSE_DAY + timedelta(days=2)
"""When corrections are posted: after session 1 is integrated."""
READ_AT = START + timedelta(days=30)
"""After every duty of the stories fell due."""
BEFORE_DUE = DOSE_DAY + timedelta(days=2)
OVERRIDE = {
    "by": {"id": "dr-lee", "role": "prescriber"},
    "reason": "BP stable on repeat; benefit outweighs risk.",
}
HIGH_BP = {"systolic": 150, "diastolic": 95, "heart_rate": 74}
ITEM_9 = [2, 2, 2, 2, 2, 2, 2, 2, 1]
"""A baseline PHQ-9 whose item 9 raises a safety hold."""

runner = CliRunner()


def correction(
    corrects_version: int, changes: dict[str, Any], at: datetime = LATER, role: str = "nurse"
) -> Step:
    """A correction, by the role that records the corrected entry (J-17)."""
    body = {"corrects_version": corrects_version, "reason": "Keyed wrong.", "data": changes}
    return Step("EntryCorrected", at, body, role)


def version_in(steps: list[Step], event_type: str) -> int:
    """The version the first ``event_type`` of ``steps`` gets, posted after the opening."""
    return 2 + next(i for i, s in enumerate(steps) if s.type == event_type)


def kap_session(vitals: dict[str, int], **changes: Any) -> list[Step]:
    """Session 1 of KAP on DOSE_DAY with these pre-dose vitals, its dose data changed."""
    check, dose, *rest = dosing_session(1, DOSE_DAY, vitals=vitals)
    return [check, Step(dose.type, dose.occurred_at, {**dose.data, **changes}, dose.role), *rest]


KAP_SESSION = [*intake(), *dosing_session(1, DOSE_DAY)]
"""The KAP intake and session 1, every duty done."""
DOSE = version_in(KAP_SESSION, "KetamineAdministered")
DISCHARGE = version_in(KAP_SESSION, "PatientDischarged")
FIX = len(KAP_SESSION) + 2
"""The version of a correction posted after ``KAP_SESSION``."""
SPRAVATO_NO_FORM = [
    *intake(route="intranasal"),
    *[
        s
        for s in dosing_session(1, DOSE_DAY, protocol="spravato-rems", integrate=False)
        if s.type != "RemsMonitoringFormSubmitted"
    ],
]


@dataclass(frozen=True)
class Story:
    """One journey's steps, and the findings (rule, occurrence, versions, at) it leaves."""

    steps: list[Step]
    expected: list[tuple[str, str, list[int], datetime]]
    protocol: str = "kap-standard"
    recorded_from: datetime | None = None
    """Hold the clock here while posting (a back-dated, late entry)."""


STORIES = {
    "MRN-CLEAN": Story(KAP_SESSION, []),
    "MRN-C02": Story(
        [*KAP_SESSION, correction(DOSE, {"therapist_present": None})],
        [
            ("C-02", "session-1", [DOSE, FIX], DOSE_DAY),
            ("C-09", f"version-{FIX}", [DOSE, FIX], LATER),
        ],
    ),
    "MRN-C04": Story(
        [*KAP_SESSION, correction(DISCHARGE, {"released_to": None})],
        [
            ("C-04", "session-1/escort", [DISCHARGE, FIX], DISCHARGED),
            ("C-09", f"version-{FIX}", [DISCHARGE, FIX], LATER),
        ],
    ),
    "MRN-C05": Story(
        [*intake(), *dosing_session(1, DOSE_DAY, integrate=False)],
        [("C-05", "session-1", [DISCHARGE], DISCHARGED + timedelta(days=7))],
    ),
    "MRN-C07": Story(
        SPRAVATO_NO_FORM,
        [
            (
                "C-07",
                "session-1",
                [version_in(SPRAVATO_NO_FORM, "KetamineAdministered")],
                DOSE_DAY + timedelta(days=7),
            )
        ],
        protocol="spravato-rems",
    ),
    "MRN-C08": Story(
        intake()[:1],
        [("C-08", "version-2", [2], START + timedelta(hours=1))],
        recorded_from=START + timedelta(days=2),
    ),
    "MRN-C09": Story(
        [
            *intake()[:2],
            correction(
                3, {"items": [3, 3, 3, 3, 3, 3, 3, 3, 0]}, START + timedelta(hours=5), "therapist"
            ),
        ],
        [("C-09", "version-4", [3, 4], START + timedelta(hours=5))],
    ),
    "MRN-C10": Story(
        [*intake(), *kap_session(HIGH_BP, override=OVERRIDE)],
        [("C-10", f"version-{DOSE}", [DOSE], DOSE_DAY)],
    ),
    "MRN-C11": Story(
        [intake()[0], phq9(ITEM_9, START + timedelta(hours=1, minutes=30))],
        [("C-11", "version-3", [3], START + timedelta(hours=1, minutes=30))],
    ),
}
REASONS = {
    "C-02": "names no therapist_present",
    "C-04": "without an escort",
    "C-05": "integration session for session 1",
    "C-07": "REMS monitoring form for session 1",
    "C-08": "later (documentation is due within 24 h)",
    "C-09": "reason given: Keyed wrong.",
    "C-10": "by dr-lee (prescriber); reason given: BP stable on repeat",
    "C-11": "PHQ-9 item 9",
}


def tell(api: Api, patient_ref: str, story: Story, token: str | None = None) -> str:
    """Open the journey at START and post its story; the clock starts over for each one."""
    api.clock.now = START + timedelta(minutes=1)
    answer = api.open_journey(patient_ref, protocol=story.protocol, token=token)
    assert answer.status_code == 201, answer.text
    journey_id = str(answer.json()["journey_id"])
    if story.recorded_from is not None:
        api.clock.now = story.recorded_from
    for s in story.steps:
        posted = api.post(journey_id, s, token=token)
        assert posted.status_code == 201, (patient_ref, s.type, posted.text)
    return journey_id


@dataclass
class Clinic:
    api: Api
    journeys: dict[str, str]
    """Journey id by patient ref, clinic-a's and clinic-b's (MRN-B11)."""
    other_auditor: str


def store_position(api: Api) -> int:
    return int(api.client.get("/health").json()["store_position"])


def report_answer(api: Api, token: object = None, **params: Any) -> Response:
    """GET /v1/audit/compliance as clinic-a's auditor (or ``token``), read-your-writes."""
    params.setdefault("after_position", store_position(api))
    return api.client.get(
        "/v1/audit/compliance",
        params=params,
        headers=api.headers(token or api.tokens["auditor"]),
    )


def report(api: Api, token: object = None, **params: Any) -> dict[str, Any]:
    answer = report_answer(api, token, **params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body["read_model_position"] >= params.get("after_position", 0)
    return body


def keys(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(patient_ref, rule, occurrence) of each finding, in the report's order."""
    return [(f["patient_ref"], f["rule"], f["occurrence"]) for f in body["findings"]]


def expected_keys(*refs: str, rule: str | None = None) -> list[tuple[str, str, str]]:
    return sorted(
        (ref, r, occurrence)
        for ref in refs or STORIES
        for r, occurrence, _, _ in STORIES[ref].expected
        if rule is None or r == rule
    )


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def clinic(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Clinic]:
    """Every story told once per database; the tests only read (and set the clock)."""

    @contextmanager
    def database() -> Iterator[str]:
        if request.param == "sqlite":
            yield f"sqlite:///{tmp_path_factory.mktemp('compliance') / 'kap.db'}"
        else:
            with throwaway_postgres() as url:
                yield url

    with database() as url, running_api(url) as api:
        journeys = {ref: tell(api, ref, story) for ref, story in STORIES.items()}
        other = STORIES["MRN-C11"]
        journeys["MRN-B11"] = tell(api, "MRN-B11", other, api.other_clinic["clinic_system"])
        issue = api.app.state.services.tokens.issue
        yield Clinic(api, journeys, issue(Role.AUDITOR, OTHER_CLINIC, "audit"))


@pytest.fixture
def api(clinic: Clinic) -> Api:
    clinic.api.clock.now = READ_AT
    return clinic.api


# --- the report over HTTP --------------------------------------------------------------


def test_every_rule_the_api_lets_through_is_reported_with_journey_versions_when_and_why(
    clinic: Clinic, api: Api
) -> None:
    body = report(api)

    assert body["clinic_id"] == "clinic-a"
    assert datetime.fromisoformat(body["as_of"]) == READ_AT
    assert keys(body) == expected_keys()
    found = {(f["patient_ref"], f["rule"], f["occurrence"]): f for f in body["findings"]}
    for ref, story in STORIES.items():
        for rule, occurrence, versions, at in story.expected:
            finding = found[(ref, rule, occurrence)]
            assert finding["journey_id"] == clinic.journeys[ref]
            assert finding["versions"] == versions, (ref, rule)
            assert datetime.fromisoformat(finding["at"]) == at, (ref, rule)
            assert REASONS[rule] in finding["detail"], (ref, rule, finding["detail"])
    assert body["counts"] == {
        rule: sum(1 for k in expected_keys() if k[1] == rule) for rule in RULES
    }


def test_a_clean_journey_has_no_findings(clinic: Clinic, api: Api) -> None:
    body = report(api, journey=clinic.journeys["MRN-CLEAN"])

    assert body["findings"] == []
    assert set(body["counts"].values()) == {0}


def test_a_duty_shows_only_once_due_with_its_deadline(clinic: Clinic, api: Api) -> None:
    api.clock.now = BEFORE_DUE
    before = report(api)

    assert {k[1] for k in keys(before)} == {"C-02", "C-04", "C-08", "C-09", "C-10", "C-11"}
    api.clock.now = READ_AT
    due = {
        f["rule"]: f
        for f in report(api, rule="C-05")["findings"] + report(api, rule="C-07")["findings"]
    }
    assert datetime.fromisoformat(due["C-05"]["due_at"]) == DISCHARGED + timedelta(days=7)
    assert datetime.fromisoformat(due["C-07"]["due_at"]) == DOSE_DAY + timedelta(days=7)
    assert due["C-05"]["at"] == due["C-05"]["due_at"]


def test_the_rule_filter(api: Api) -> None:
    body = report(api, rule="C-09")

    assert keys(body) == expected_keys(rule="C-09")
    assert body["counts"]["C-09"] == 3
    assert sum(body["counts"].values()) == 3


def test_the_journey_filter(clinic: Clinic, api: Api) -> None:
    body = report(api, journey=clinic.journeys["MRN-C04"])

    assert keys(body) == expected_keys("MRN-C04")


def test_the_period_filter_is_on_the_moment_each_finding_is_about(api: Api) -> None:
    dose_day = report(
        api, since=DOSE_DAY.isoformat(), until=(DOSE_DAY + timedelta(days=1)).isoformat()
    )
    before_dose = report(api, until=DOSE_DAY.isoformat())
    from_corrections = report(api, since=LATER.isoformat())

    assert keys(dose_day) == [
        ("MRN-C02", "C-02", "session-1"),
        ("MRN-C04", "C-04", "session-1/escort"),
        ("MRN-C10", "C-10", f"version-{DOSE}"),
    ]
    assert keys(before_dose) == [
        ("MRN-C08", "C-08", "version-2"),
        ("MRN-C09", "C-09", "version-4"),
        ("MRN-C11", "C-11", "version-3"),
    ]
    assert {k[1] for k in keys(from_corrections)} == {"C-05", "C-07", "C-09"}


def test_filters_combine(clinic: Clinic, api: Api) -> None:
    body = report(api, rule="C-09", journey=clinic.journeys["MRN-C02"], since=LATER.isoformat())

    assert keys(body) == [("MRN-C02", "C-09", f"version-{FIX}")]


def test_another_clinics_findings_never_appear(clinic: Clinic, api: Api) -> None:
    ours = report(api)
    asked_for = report(api, journey=clinic.journeys["MRN-B11"])
    theirs = report(api, clinic.other_auditor)

    assert "MRN-B11" not in {f["patient_ref"] for f in ours["findings"]}
    assert asked_for["findings"] == []
    assert keys(theirs) == [("MRN-B11", "C-11", "version-3")]
    assert theirs["clinic_id"] == OTHER_CLINIC


@pytest.mark.parametrize("role", ["staff", "clinic_system", "admin"])
def test_only_an_auditor_may_read_the_report(api: Api, role: str) -> None:
    assert_problem(report_answer(api, api.tokens[role]), 403, "forbidden")


def test_without_a_token_it_is_401(api: Api) -> None:
    assert_problem(report_answer(api, NO_TOKEN), 401)


@pytest.mark.parametrize(
    "params",
    [
        {"rule": f"C-{len(RULES) + 1:02d}"},
        {"rule": "c-05"},
        {"rule": "J-04"},
        {"journey": "not-a-uuid"},
        {"since": "2026-10-01T09:00:00"},
        {"since": "yesterday"},
        {"since": "2026-10-02T00:00:00Z", "until": "2026-10-01T00:00:00Z"},
    ],
)
def test_bad_filters_are_422_problems(api: Api, params: dict[str, str]) -> None:
    assert_problem(report_answer(api, **params), 422, "invalid_request")


def test_the_api_accepts_exactly_the_rules_of_the_domain() -> None:
    assert get_args(RuleId) == DOMAIN_RULES == tuple(RULES)


def test_the_read_is_in_the_access_log(api: Api) -> None:
    services = api.app.state.services
    log = services.access_log
    before = len(log.entries("clinic-a", limit=1000))

    report(api)

    entries = log.entries("clinic-a", limit=1000)
    assert len(entries) == before + 1
    assert (entries[0].action, entries[0].journey_id) == ("compliance", None)
    assert (entries[0].token_name, entries[0].purpose) == ("audit", "audit")


# --- the CLI ---------------------------------------------------------------------------


def cli_env(api: Api) -> dict[str, str]:
    key = api.settings.cipher_key
    assert key is not None
    return {"KAP_DATABASE_URL": api.database_url, "KAP_CIPHER_KEY": key}


@pytest.fixture
def cli_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The CLI's services read this clock, so it reports as of the same moment as the API."""
    clock = Clock(READ_AT)
    monkeypatch.setattr(
        compliance_cli, "Services", lambda settings: Services(settings, clock=clock)
    )
    return clock


def cli(api: Api, *args: str) -> str:
    result = runner.invoke(cli_app, ["audit", "compliance", *args], env=cli_env(api))
    assert result.exit_code == 0, result.output
    return result.stdout


def as_cli_rows(body: dict[str, Any]) -> list[dict[str, str]]:
    """The API's findings as the CLI's CSV writes them."""
    return [
        {
            "journey_id": f["journey_id"],
            "patient_ref": f["patient_ref"],
            "rule": f["rule"],
            "occurrence": f["occurrence"],
            "versions": " ".join(str(v) for v in f["versions"]),
            "at": f["at"],
            "due_at": f["due_at"] or "",
            "detail": f["detail"],
        }
        for f in body["findings"]
    ]


def test_the_cli_json_says_what_the_api_says(api: Api, cli_clock: Clock) -> None:
    over_http = report(api)

    printed = json.loads(cli(api, "--clinic", "clinic-a", "--format", "json"))

    assert printed["findings"] == over_http["findings"]
    assert printed["counts"] == over_http["counts"]
    assert printed["clinic_id"] == "clinic-a"
    assert datetime.fromisoformat(printed["as_of"]) == READ_AT


def test_the_cli_csv_has_one_line_per_finding(api: Api, cli_clock: Clock, tmp_path: Path) -> None:
    over_http = report(api)
    out = tmp_path / "report.csv"

    result = runner.invoke(
        cli_app,
        ["audit", "compliance", "--clinic", "clinic-a", "--format", "csv", "--out", str(out)],
        env=cli_env(api),
    )

    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert (
        text.splitlines()[0] == "journey_id,patient_ref,rule,occurrence,versions,at,due_at,detail"
    )
    assert list(csv.DictReader(io.StringIO(text))) == as_cli_rows(over_http)
    assert f"{len(over_http['findings'])} findings written to" in result.stderr


def test_the_cli_filters_like_the_api(clinic: Clinic, api: Api, cli_clock: Clock) -> None:
    journey = clinic.journeys["MRN-C02"]
    since = DOSE_DAY.isoformat()
    over_http = report(api, journey=journey, since=since, until=LATER.isoformat())

    printed = cli(
        api,
        *("--clinic", "clinic-a", "--format", "csv", "--journey", journey),
        *("--since", since, "--until", LATER.isoformat()),
    )
    by_rule = json.loads(cli(api, "--clinic", "clinic-a", "--format", "json", "--rule", "C-05"))

    assert list(csv.DictReader(io.StringIO(printed))) == as_cli_rows(over_http)
    assert [f["rule"] for f in by_rule["findings"]] == ["C-05"]
    assert keys(over_http) == [("MRN-C02", "C-02", "session-1")]


def test_the_cli_reports_one_clinic_only(api: Api, cli_clock: Clock) -> None:
    printed = json.loads(cli(api, "--clinic", OTHER_CLINIC, "--format", "json"))

    assert [f["patient_ref"] for f in printed["findings"]] == ["MRN-B11"]


@pytest.mark.parametrize(
    "args",
    [
        ["--clinic", "clinic-a", "--format", "xml"],
        ["--clinic", "clinic-a", "--format", "csv", "--rule", f"C-{len(RULES) + 1:02d}"],
        ["--clinic", "clinic-a", "--format", "csv", "--journey", "nope"],
        ["--clinic", "clinic-a", "--format", "csv", "--since", "2026-10-01T09:00:00"],
        ["--clinic", "bad clinic!", "--format", "csv"],
        ["--format", "csv"],
    ],
)
def test_the_cli_refuses_bad_options(api: Api, args: list[str]) -> None:
    result = runner.invoke(cli_app, ["audit", "compliance", *args], env=cli_env(api))

    assert result.exit_code == 2, result.output


# --- the CLI catches the read model up itself ------------------------------------------


@contextmanager
def api_without_projections(database_url: str) -> Iterator[Api]:
    """The app with no projector running: whatever is posted stays out of the read model."""
    settings = build_settings(database_url).model_copy(update={"run_projections": False})
    clock = Clock(START + timedelta(minutes=1))
    app = create_app(settings, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        issue = app.state.services.tokens.issue
        tokens = {"clinic_system": issue(Role.CLINIC_SYSTEM, "clinic-a", "ehr")}
        yield Api(client, app, settings, clock, tokens, {}, database_url)


def old_findings_shape() -> ReadModelShape:
    """The findings table as schema version 1 declared it (before ``at``)."""
    return ReadModelShape("findings", 1, FINDINGS.declare)


def test_the_cli_catches_a_lagging_read_model_up_and_swaps_in_a_new_table_shape(
    database_url: str, cli_clock: Clock
) -> None:
    with api_without_projections(database_url) as api:
        registry = Generations(api.app.state.services.engine)
        old = registry.start(old_findings_shape(), status=ACTIVE)
        tell(api, "MRN-C11", STORIES["MRN-C11"])
        tell(api, "MRN-C09", STORIES["MRN-C09"])

        printed = json.loads(cli(api, "--clinic", "clinic-a", "--format", "json"))

        assert [(f["patient_ref"], f["rule"]) for f in printed["findings"]] == [
            ("MRN-C09", "C-09"),
            ("MRN-C11", "C-11"),
        ]
        assert printed["read_model_position"] == printed["store_position"] > 0
        live = registry.live(FINDINGS)
        assert live is not None
        assert live.schema_version == 2
        assert not sqlalchemy.inspect(registry.engine).has_table(old.table_name)


def test_with_no_journeys_the_cli_prints_an_empty_report(tmp_path: Path, cli_clock: Clock) -> None:
    env = {"KAP_DATABASE_URL": f"sqlite:///{tmp_path / 'kap.db'}"}

    result = runner.invoke(
        cli_app, ["audit", "compliance", "--clinic", "c", "--format", "csv"], env=env
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "journey_id,patient_ref,rule,occurrence,versions,at,due_at,detail"
    ]
