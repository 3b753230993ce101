"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against a real
``kap-journeys serve`` process with its own SQLite database and the demo clinic seeded.

Without Chromium (``apt-get install -y chromium``) or Playwright these tests skip with
one line, except under CI=true, where they fail. Screenshots of each main page go to
``test-artifacts/browser/`` (gitignored).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from interface.demo.cases import PATIENTS, demo_stories
from interface.demo.seed import DEMO_CLINIC, demo_journey_id
from tests.e2e.server import Server, running_server
from tests.integration.journeys_app import build_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "browser"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
OTHER_CLINIC = "clinic-b"
DEMO_JOURNEYS = len(PATIENTS)


def browser_unavailable_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (fail under CI=true) every browser test here, folded into one report line."""
    reason = browser_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true needs the browser tests: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return str(CHROMIUM)


@dataclass
class Dashboard:
    """The running server, its database, and a token per role for the demo clinic."""

    server: Server
    database_url: str
    staff: str
    auditor: str
    other_staff: str
    journey_ids: dict[str, UUID]
    """Each demo journey's id by patient ref: ids are keyed by the server's key."""

    @property
    def url(self) -> str:
        return self.server.url

    def journey_path(self, patient_ref: str) -> str:
        return f"/journeys/{self.journey_ids[patient_ref]}"

    def journey_url(self, patient_ref: str) -> str:
        return self.url + self.journey_path(patient_ref)


def _demo_journey_ids(database_url: str) -> dict[str, UUID]:
    """Named with the server's own key (the key file beside its SQLite database)."""
    key_file = database_url.removeprefix("sqlite:///") + ".key"
    app = build_app(database_url, Path(key_file).read_text().strip())
    try:
        refs = [story.patient_ref for story in demo_stories(app.clock())]
        return {ref: demo_journey_id(app, ref) for ref in refs}
    finally:
        app.close()


def _wait_for_caseload(url: str, token: str) -> None:
    """Until the caseload read model lists every demo journey (projected in the server)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answer = httpx.get(
            f"{url}/v1/journeys",
            params={"limit": 200},
            headers={"Authorization": f"Bearer {token}"},
        )
        if answer.status_code == 200 and len(answer.json()["journeys"]) >= DEMO_JOURNEYS:
            return
        time.sleep(0.2)
    raise AssertionError("the caseload never listed the demo clinic")


@pytest.fixture(scope="session")
def dashboard(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    workdir = tmp_path_factory.mktemp("dashboard")
    database_url = f"sqlite:///{workdir / 'kap.db'}"
    with running_server(database_url, workdir) as server:
        seeded = server.cli("demo")
        assert seeded.returncode == 0, seeded.stderr
        staff = server.token("staff", DEMO_CLINIC, "front-desk")
        auditor = server.token("auditor", DEMO_CLINIC, "compliance")
        other_staff = server.token("staff", OTHER_CLINIC, "front-desk")
        _wait_for_caseload(server.url, staff)
        ids = _demo_journey_ids(database_url)
        yield Dashboard(server, database_url, staff, auditor, other_staff, ids)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) at desktop width."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Any, dashboard: Dashboard, token: str, path: str = "/") -> None:
    """Sign in through the form, the way a person does, landing on ``path``."""
    page.goto(dashboard.url + path)
    page.get_by_label("Your staff or auditor token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("domcontentloaded")


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
