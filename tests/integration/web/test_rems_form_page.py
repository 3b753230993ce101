"""The journey page links each dosed Spravato session's REMS monitoring form, and the link
opens the form filled from the record (issue 10, item 7), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from tests.databases import throwaway_postgres
from tests.integration.http.conftest import CLINIC, Api, running_api
from tests.integration.web.conftest import sign_in
from tests.story import START, dosing_session, intake

DOSE_AT = START + timedelta(days=6, hours=1)


@dataclass
class Site:
    api: Api
    spravato: str
    """A Spravato journey with session 1 dosed, discharged and its form submitted."""
    kap: str
    """A KAP journey with session 1 dosed and discharged."""

    def browser(self, role: str = "staff", clinic: str = CLINIC) -> TestClient:
        """Signed in now (sessions expire with the app's clock, which the stories moved)."""
        tokens = self.api.tokens if clinic == CLINIC else self.api.other_clinic
        return sign_in(self.api, tokens[role])


def journey_with_one_session(api: Api, patient_ref: str, protocol: str) -> str:
    journey_id = api.journey(patient_ref, protocol=protocol)
    route = "intranasal" if protocol == "spravato-rems" else "im"
    session = dosing_session(1, DOSE_AT, protocol=protocol, integrate=False)
    api.post_all(journey_id, [*intake(route=route), *session])
    return journey_id


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """One app per database holding a Spravato and a KAP journey (no demo clinic)."""

    def build(api: Api) -> Site:
        return Site(
            api,
            journey_with_one_session(api, "MRN-WEB-REMS", "spravato-rems"),
            journey_with_one_session(api, "MRN-WEB-KAP", "kap-standard"),
        )

    if request.param == "sqlite":
        with running_api(f"sqlite:///{tmp_path_factory.mktemp('web') / 'kap.db'}") as api:
            yield build(api)
    else:
        with throwaway_postgres() as url, running_api(url) as api:
            yield build(api)


def test_the_journey_page_links_the_form_of_each_dosed_spravato_session(site):
    page = site.browser().get(f"/journeys/{site.spravato}")

    assert page.status_code == 200
    links = re.findall(r'href="(/journeys/[^"]+/rems-form)"', page.text)
    assert links == [f"/journeys/{site.spravato}/sessions/1/rems-form"]


def test_the_link_opens_the_form_filled_from_the_record(site):
    form = site.browser().get(f"/journeys/{site.spravato}/sessions/1/rems-form")

    assert form.status_code == 200
    assert "Spravato Patient Monitoring Form: session 1" in form.text
    assert "SPR-PT-55012" in form.text
    assert "56 mg (2 devices)" in form.text
    assert "KET-2026-118" in form.text
    assert "sertraline" in form.text
    assert re.findall(r'data-missing="([^"]+)"', form.text) == ["blood_pressure_at_40_minutes.spo2"]


def test_auditors_open_it_and_the_read_is_logged(site):
    page = site.browser("auditor").get(f"/journeys/{site.spravato}/sessions/1/rems-form")

    assert page.status_code == 200
    entries = site.api.app.state.services.access_log.entries(CLINIC, journey_id=UUID(site.spravato))
    assert ("audit", "history", "audit") in {(e.token_name, e.action, e.purpose) for e in entries}


def test_a_session_without_a_form_answers_a_404_page_saying_why(site):
    page = site.browser().get(f"/journeys/{site.spravato}/sessions/2/rems-form")

    assert page.status_code == 404
    assert "no such session" in page.text


def test_another_clinic_finds_no_form(site):
    page = site.browser(clinic="other").get(f"/journeys/{site.spravato}/sessions/1/rems-form")

    assert page.status_code == 404
    assert "SPR-PT-55012" not in page.text


def test_a_kap_journey_page_links_no_form(site):
    browser = site.browser()

    page = browser.get(f"/journeys/{site.kap}")

    assert page.status_code == 200
    assert "rems-form" not in page.text
    assert browser.get(f"/journeys/{site.kap}/sessions/1/rems-form").status_code == 404
