"""Clinic staff work the caseload and read a journey, in a real browser."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser.conftest import DEMO_JOURNEYS, screenshot, sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips every test here (fails them under CI=true)
    expect = None

pytestmark = pytest.mark.e2e


def test_staff_filter_to_safety_holds_open_one_and_read_its_blocker(page, dashboard):
    sign_in(page, dashboard, dashboard.staff)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    expect(page.locator("table.caseload tbody tr")).to_have_count(DEMO_JOURNEYS)
    screenshot(page, "caseload-1280")

    page.get_by_label("Flag", exact=True).select_option("safety_hold")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"flag=safety_hold"))
    rows = page.locator("table.caseload tbody tr")
    expect(rows).to_have_count(3)  # PHQ-9 item 9, C-SSRS item 3 (moderate), item 4 (high)
    for row in rows.all():
        expect(row.locator('[data-flag="safety_hold"]')).to_be_visible()
    screenshot(page, "caseload-safety-hold-1280")

    page.get_by_role("link", name="DEMO-013").click()
    expect(page.get_by_role("heading", name=re.compile("DEMO-013"))).to_be_visible()
    blocker = page.locator('.blockers li[data-rule="J-12"]')
    expect(blocker).to_contain_text("Safety hold (PHQ-9 item 9")
    expect(blocker).to_contain_text("SafetyReviewCompleted")
    expect(page.locator(".next-step")).to_contain_text("A prescriber reviews the safety hold")
    screenshot(page, "journey-safety-hold-1280")


def test_a_high_hold_says_which_half_is_left(page, dashboard):
    sign_in(page, dashboard, dashboard.staff, dashboard.journey_path("DEMO-028"))
    blocker = page.locator('.blockers li[data-rule="J-12"]')
    expect(blocker).to_contain_text("High-risk safety hold")
    expect(blocker).to_contain_text("still needed: a C-SSRS")
    expect(page.locator(".next-step")).to_contain_text("Record a C-SSRS")
    screenshot(page, "journey-high-hold-1280")


def test_an_interaction_review_shows_its_flag_and_what_to_review(page, dashboard):
    sign_in(page, dashboard, dashboard.staff, dashboard.journey_path("DEMO-029"))
    expect(page.locator('[data-flag="interaction_review"]').first).to_be_visible()
    expect(page.locator(".flag-details")).to_contain_text("Benzodiazepines may blunt")


def test_a_spravato_session_links_its_rems_form_filled_from_the_record(page, dashboard):
    sign_in(page, dashboard, dashboard.staff, dashboard.journey_path("DEMO-026"))
    links = page.locator("a[data-rems-form]")
    expect(links).to_have_count(4)
    links.first.click()
    expect(
        page.get_by_role("heading", name=re.compile("Monitoring Form: session 1"))
    ).to_be_visible()
    expect(page.locator('[data-field="enrollment_id"]')).to_have_text("SPR-PT-55026")
    screenshot(page, "rems-form-1280")


def test_six_sessions_show_six_rows_and_six_points_on_the_chart(page, dashboard):
    sign_in(page, dashboard, dashboard.staff, dashboard.journey_path("DEMO-015"))
    expect(page.locator("table.sessions tbody tr[data-session]")).to_have_count(6)
    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    points = chart.locator('.point[data-instrument="PHQ-9"][data-session]')
    expect(points).to_have_count(6)
    expect(chart.locator(".panel")).to_have_count(3)  # PHQ-9, GAD-7 and PCL-5
    expect(chart.locator(".baseline")).to_have_count(3)
    expect(chart.locator('.point[data-mark="response"]').first).to_be_attached()
    expect(page.locator(".track [aria-current=step]")).to_have_attribute("data-step", "plan")
    screenshot(page, "journey-six-sessions-1280")


def test_the_dashboard_at_phone_width(phone, dashboard):
    sign_in(phone, dashboard, dashboard.staff)
    expect(phone.locator("table.caseload tbody tr")).to_have_count(DEMO_JOURNEYS)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the caseload scrolls sideways at phone width ({width} px)"
    screenshot(phone, "caseload-phone")
    phone.goto(dashboard.journey_url("DEMO-015"))
    expect(phone.locator("svg.chart")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the journey page scrolls sideways at phone width ({width} px)"
    screenshot(phone, "journey-phone")
