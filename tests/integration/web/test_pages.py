"""The dashboard's pages: what each role and clinic may see, security headers, every
journey read logged, the CSV, a tampered journey, and a caseload that lags."""

from __future__ import annotations

import re

import pytest

from interface.demo.cases import PATIENTS
from interface.demo.seed import demo_journey_id
from interface.presentation.page_headers import CSP
from tests.integration.audit.intruder import Intruder
from tests.integration.http.conftest import CLINIC
from tests.integration.web.conftest import caught_up, sign_in


def journey(dashboard, patient_ref: str) -> str:
    journeys = dashboard.api.app.state.services.journeys
    return f"/journeys/{demo_journey_id(journeys, patient_ref, CLINIC)}"


def resolved(dashboard, path: str) -> str:
    """A parametrized path with its journey named as {DEMO-nnn}: ids are keyed by the
    app's key, so they are known only once the app runs."""
    return re.sub(r"\{(DEMO-\d+)\}", lambda m: journey(dashboard, m.group(1)), path)


AUDITOR_PAGES = (
    "/audit/compliance",
    "/audit/compliance.csv",
    "/audit/access-log",
    "{DEMO-015}/audit",
    "{DEMO-015}/replay",
)


def test_staff_see_the_caseload_and_a_journey(dashboard):
    caseload = dashboard.staff.get("/")
    assert caseload.status_code == 200
    assert caseload.text.count('<tr data-journey="') == len(PATIENTS)
    page = dashboard.staff.get(journey(dashboard, "DEMO-013"))
    assert page.status_code == 200
    assert 'data-rule="J-12"' in page.text


@pytest.mark.parametrize("path", AUDITOR_PAGES)
def test_a_staff_session_cannot_open_auditor_pages(dashboard, path):
    answer = dashboard.staff.get(resolved(dashboard, path))
    assert answer.status_code == 403
    assert "Not for your role" in answer.text


@pytest.mark.parametrize("path", AUDITOR_PAGES)
def test_an_auditor_opens_them(dashboard, path):
    assert dashboard.auditor.get(resolved(dashboard, path)).status_code == 200


def test_another_clinics_journey_is_not_found(dashboard):
    for path in (journey(dashboard, "DEMO-013"),):
        answer = dashboard.other_staff.get(path)
        assert answer.status_code == 404
        assert "DEMO-013" not in answer.text
    caseload = dashboard.other_staff.get("/")
    assert "DEMO-0" not in caseload.text
    assert "No journey matches" in caseload.text


def test_an_auditor_of_another_clinic_finds_nothing_either(dashboard):
    api = dashboard.api
    outsider = sign_in(api, api.app.state.services.tokens.issue("auditor", "clinic-b", "audit"))
    for path in (
        journey(dashboard, "DEMO-015") + "/audit",
        journey(dashboard, "DEMO-015") + "/replay?version=2",
    ):
        assert outsider.get(path).status_code == 404
    assert "DEMO-0" not in outsider.get("/audit/compliance").text


def test_a_malformed_journey_address_is_not_found(dashboard):
    assert dashboard.staff.get("/journeys/not-a-uuid").status_code == 404


@pytest.mark.parametrize("path", ["/sign-in", "/", "{DEMO-015}", "/audit/compliance"])
def test_pages_carry_the_security_headers(dashboard, path):
    answer = dashboard.auditor.get(resolved(dashboard, path))
    assert answer.headers["content-security-policy"] == CSP
    assert "frame-ancestors 'none'" in CSP
    assert "script-src 'self'" in CSP
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/sign-in", "/", "{DEMO-015}", "{DEMO-015}/audit"])
def test_pages_have_no_inline_script_or_style(dashboard, path):
    html = dashboard.auditor.get(resolved(dashboard, path)).text
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "<style" not in html


def test_static_files_are_served_by_the_app(dashboard):
    assert dashboard.staff.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert "javascript" in dashboard.staff.get("/static/app.js").headers["content-type"]


def test_every_page_showing_a_journey_is_in_the_access_log(dashboard):
    services = dashboard.api.app.state.services
    journey_id = demo_journey_id(dashboard.api.app.state.services.journeys, "DEMO-016", CLINIC)
    dashboard.staff.get(journey(dashboard, "DEMO-016"))
    dashboard.auditor.get(journey(dashboard, "DEMO-016") + "/audit")
    dashboard.auditor.get(journey(dashboard, "DEMO-016") + "/replay?version=3")
    entries = services.access_log.entries(CLINIC, journey_id=journey_id)
    logged = {(e.token_name, e.action, e.purpose) for e in entries}
    assert {
        ("front-desk", "status", "treatment"),
        ("front-desk", "history", "treatment"),
        ("audit", "history", "audit"),
        ("audit", "verify", "audit"),
        ("audit", "replay", "audit"),
    } <= logged


def test_the_compliance_csv_downloads_as_a_file(dashboard):
    answer = dashboard.auditor.get("/audit/compliance.csv", params={"rule": "C-10"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment;")
    lines = answer.text.splitlines()
    assert lines[0] == (  # the demo clinic keeps Denver's time: local columns at the end
        "journey_id,patient_ref,rule,occurrence,versions,at,due_at,detail,at_local,due_at_local"
    )
    assert len(lines) == 2
    assert lines[1].split(",")[1] == "DEMO-014"


def test_replay_as_of_a_version_shows_the_stage_then(dashboard):
    page = dashboard.auditor.get(journey(dashboard, "DEMO-015") + "/replay", params={"version": 2})
    assert page.status_code == 200
    assert 'class="badge stage stage-consulted"' in page.text
    late = dashboard.auditor.get(
        journey(dashboard, "DEMO-015") + "/replay", params={"version": 999}
    )
    assert late.status_code == 404
    assert "no version 999" in late.text
    early = dashboard.auditor.get(
        journey(dashboard, "DEMO-015") + "/replay", params={"at": "2020-01-01T00:00"}
    )
    assert early.status_code == 404
    assert "not yet open" in early.text
    bad = dashboard.auditor.get(
        journey(dashboard, "DEMO-015") + "/replay", params={"at": "yesterday"}
    )
    assert bad.status_code == 422


def test_a_journey_whose_stored_bytes_were_damaged(dashboard):
    """Staff are told it cannot be read; the auditor's history names the entry."""
    api = dashboard.api
    journey_id = demo_journey_id(dashboard.api.app.state.services.journeys, "DEMO-024", CLINIC)
    intruder = Intruder(api.database_url, api.app.state.services.journeys)
    intruder.drop_protection()
    state, _ = intruder.row(journey_id, 3)
    intruder.overwrite(journey_id, 3, state[:-3] + bytes([state[-3] ^ 1]) + state[-2:])

    staff = dashboard.staff.get(journey(dashboard, "DEMO-024"))
    assert staff.status_code == 409
    assert "cannot be read" in staff.text
    history = dashboard.auditor.get(journey(dashboard, "DEMO-024") + "/audit")
    assert history.status_code == 200
    assert "Chain broken" in history.text
    assert re.search(r'<tr id="v3" data-version="3" data-verified="false"', history.text)
    assert "does not decrypt" in history.text
    assert dashboard.other_staff.get(journey(dashboard, "DEMO-024")).status_code == 404


def test_a_caseload_behind_the_record_says_so(api):
    journey_id = api.journey("MRN-0001")
    caught_up(api)
    staff = sign_in(api, api.tokens["staff"])
    assert "Up to date with the record" in staff.get("/").text
    api.app.state.services.projections.stop()
    api.journey("MRN-0002")
    assert "1 event behind the record" in staff.get("/").text
    assert journey_id
