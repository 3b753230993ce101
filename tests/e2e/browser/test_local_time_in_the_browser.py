"""The demo clinic keeps Denver's time: a browser shows its moments on that wall clock,
each with its offset, and the page says which zone it is."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser.conftest import screenshot, sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips every test here (fails them under CI=true)
    expect = None

pytestmark = pytest.mark.e2e

DENVER_MOMENT = re.compile(r"^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} M[SD]T \(UTC-0[67]:00\)$")


def test_the_dashboard_shows_the_clinics_local_times(page, dashboard):
    sign_in(page, dashboard, dashboard.staff)
    expect(page.locator("footer [data-time-zone]")).to_have_text("America/Denver")
    expect(page.locator(".freshness time")).to_have_text(DENVER_MOMENT)

    page.goto(dashboard.journey_url("DEMO-026"))
    administered = page.locator("table.sessions tbody tr").first.locator("time").first
    expect(administered).to_have_text(DENVER_MOMENT)
    # The machine-readable attribute keeps the instant in UTC.
    assert (administered.get_attribute("datetime") or "").endswith("+00:00")
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\d{2}:\d{2} UTC\b"))
    screenshot(page, "journey-local-time-1280")
