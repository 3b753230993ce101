"""Auditors verify, replay, report and read the access log, in a real browser; and
what a role or a clinic may not see stays out of sight."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from interface.demo.seed import demo_journey_id
from tests.e2e.browser.conftest import screenshot, sign_in
from tests.integration.audit.intruder import Intruder
from tests.integration.journeys_app import build_app

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips every test here (fails them under CI=true)
    expect = None

pytestmark = pytest.mark.e2e


def shrink_a_recorded_dose(database_url: str, patient_ref: str) -> int:
    """An insider with the key rewrites a stored dose smaller; returns its version."""
    key_file = database_url.removeprefix("sqlite:///") + ".key"
    with open(key_file) as file:
        app = build_app(database_url, file.read().strip())
    try:
        journey_id = demo_journey_id(app, patient_ref)
        stored = next(
            row
            for row in app.recorder.select_events(journey_id)
            if row.topic.endswith("KetamineAdministered")
        )
        event = app.mapper.to_domain_event(stored)
        event.data["dose_mg"] = event.data["dose_mg"] / 2
        intruder = Intruder(database_url, app)
        intruder.drop_protection()
        intruder.overwrite(
            journey_id, stored.originator_version, app.mapper.to_stored_event(event).state
        )
        return stored.originator_version
    finally:
        app.close()


def test_an_altered_entry_is_flagged_at_that_entry(page, dashboard):
    version = shrink_a_recorded_dose(dashboard.database_url, "DEMO-014")
    sign_in(page, dashboard, dashboard.auditor, dashboard.journey_path("DEMO-014") + "/audit")

    verdict = page.get_by_role("alert")
    expect(verdict).to_contain_text("Chain broken")
    expect(verdict.get_by_role("link", name=f"Version {version}")).to_be_visible()
    broken = page.locator('table.ledger tr[data-verified="false"]')
    expect(broken).to_have_count(1)
    expect(broken).to_have_attribute("data-version", str(version))
    expect(broken).to_contain_text("changed")
    expect(page.locator('table.ledger tr[data-verified="true"]').first).to_be_visible()
    screenshot(page, "audit-history-tampered-1280")


def test_a_sound_journey_verifies(page, dashboard):
    sign_in(page, dashboard, dashboard.auditor, dashboard.journey_path("DEMO-015") + "/audit")
    expect(page.locator('.verdict[data-verified="true"]')).to_contain_text("Chain verified")
    expect(page.locator("table.ledger code.hash").first).to_have_attribute(
        "title", re.compile(r"^[0-9a-f]{64}$")
    )
    screenshot(page, "audit-history-1280")


def test_replay_as_of_a_past_moment_shows_the_earlier_stage(page, dashboard):
    sign_in(page, dashboard, dashboard.auditor, dashboard.journey_path("DEMO-015"))
    expect(page.locator(".journey-head .stage")).to_have_text("Series complete")
    consent = page.locator('.timeline li[data-type="ConsentSigned"] time').nth(1)  # recorded
    recorded = datetime.fromisoformat(consent.get_attribute("datetime"))
    moment = recorded + timedelta(seconds=1)

    page.get_by_role("link", name="Replay as of a moment").click()
    # The demo clinic keeps Denver's time: the form takes its wall clock.
    local = moment.astimezone(ZoneInfo("America/Denver"))
    page.get_by_label("Moment (America/Denver)").fill(local.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="Replay").click()

    expect(page.locator(".replayed .journey-head .stage")).to_have_text("Consented")
    expect(page.locator(".replayed .next-step")).to_contain_text("preparation session")
    expect(page.locator('.replayed .track [aria-current="step"]')).to_have_attribute(
        "data-step", "preparation"
    )
    screenshot(page, "replay-1280")


def test_compliance_report_with_its_csv_and_the_access_log(page, dashboard):
    sign_in(page, dashboard, dashboard.auditor, "/audit/compliance")
    expect(page.get_by_role("heading", name="Compliance report")).to_be_visible()
    expect(page.locator("table.findings tbody tr[data-rule]").first).to_be_visible()
    screenshot(page, "compliance-1280")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("journey_id,patient_ref,rule")
    assert len(lines) > 1

    page.get_by_role("link", name="Access log").click()
    expect(page.locator('table.access tr[data-action="compliance"]').first).to_be_visible()
    expect(page.locator("table.access")).to_contain_text("compliance")  # the token's name
    screenshot(page, "access-log-1280")


def test_a_staff_token_cannot_open_auditor_pages(page, dashboard):
    sign_in(page, dashboard, dashboard.staff)
    expect(page.get_by_role("link", name="Compliance")).to_have_count(0)
    for path in (
        "/audit/compliance",
        "/audit/access-log",
        dashboard.journey_path("DEMO-015") + "/audit",
        dashboard.journey_path("DEMO-015") + "/replay",
    ):
        answer = page.goto(dashboard.url + path)
        assert answer.status == 403, path
        expect(page.get_by_role("heading", name="Not for your role")).to_be_visible()
    screenshot(page, "staff-refused-1280")


def test_another_clinics_journey_is_not_found(page, dashboard):
    sign_in(page, dashboard, dashboard.other_staff)
    expect(page.locator("table.caseload tbody")).to_contain_text("No journey matches")
    answer = page.goto(dashboard.journey_url("DEMO-013"))
    assert answer.status == 404
    expect(page.get_by_role("heading", name="Journey not found")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("DEMO-013")


def test_sign_out_ends_the_session(page, dashboard):
    sign_in(page, dashboard, dashboard.staff)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out")
    screenshot(page, "sign-in-1280")
    page.goto(dashboard.url + "/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
