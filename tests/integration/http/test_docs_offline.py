"""The API docs work offline and under the dashboard's CSP: every asset comes from the app."""

from __future__ import annotations

import re

import pytest

from interface.presentation.page_headers import CSP
from tests.integration.http.conftest import Api

REFERENCE = re.compile(r'(?:src|href)\s*=\s*"([^"]*)"', re.IGNORECASE)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


def test_the_docs_page_is_served_under_the_pages_csp(api: Api) -> None:
    answer = api.client.get("/docs")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-security-policy"] == CSP
    assert answer.headers["x-frame-options"] == "DENY"


def test_the_docs_page_references_no_other_host(api: Api) -> None:
    html = api.client.get("/docs").text

    references = REFERENCE.findall(html)
    assert references, "the page loads nothing?"
    for reference in references:
        assert reference.startswith("/"), reference
        assert not reference.startswith("//"), reference
    assert "http://" not in html
    assert "https://" not in html


def test_the_docs_page_has_no_inline_script(api: Api) -> None:
    html = api.client.get("/docs").text
    scripts = SCRIPT.findall(html)

    assert scripts
    for attributes, body in scripts:
        assert "src=" in attributes, attributes
        assert not body.strip(), attributes
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), "an inline event handler"
    assert "<style" not in html.lower()
    assert "style=" not in html.lower()


def test_every_asset_of_the_docs_page_answers_from_the_app(api: Api) -> None:
    html = api.client.get("/docs").text

    for reference in REFERENCE.findall(html):
        answer = api.client.get(reference)
        assert answer.status_code == 200, reference
        assert len(answer.content) > 0, reference


def test_the_initializer_loads_the_apps_own_openapi_without_the_validator(api: Api) -> None:
    html = api.client.get("/docs").text
    scripts = [src for src in REFERENCE.findall(html) if src.endswith(".js")]
    initializer = api.client.get(scripts[-1]).text

    assert "/openapi.json" in initializer
    assert "validatorUrl: null" in initializer
    assert api.client.get("/openapi.json").status_code == 200


def test_redoc_is_gone_rather_than_loading_from_a_cdn(api: Api) -> None:
    assert api.client.get("/redoc").status_code == 404
