"""CSRF tokens, same-origin posts, local redirects, and CSV cells a spreadsheet won't run."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from interface.audit.compliance_csv import safe_cell
from interface.web.auth import SignInRequiredError, local_path
from interface.web.csrf import new_token, same_origin, tokens_match
from interface.web.routes.audit import parse_moment


def request(origin: str | None, host: str = "127.0.0.1:8000", scheme: str = "http") -> Request:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return Request(
        {
            "type": "http",
            "method": "POST",
            "scheme": scheme,
            "path": "/sign-in",
            "query_string": b"",
            "headers": headers,
            "server": ("127.0.0.1", 8000),
        }
    )


def test_csrf_tokens_match_only_when_both_are_given_and_equal():
    token = new_token()
    assert tokens_match(token, token)
    assert not tokens_match(token, new_token())
    assert not tokens_match(token, "")
    assert not tokens_match(None, None)
    assert not tokens_match("", "")


def test_a_post_from_this_site_passes_and_one_from_another_does_not():
    assert same_origin(request("http://127.0.0.1:8000"))
    assert same_origin(request(None))  # older browsers send no Origin: the token decides
    assert not same_origin(request("https://evil.example"))
    assert not same_origin(request("http://127.0.0.1:8001"))
    assert not same_origin(request("null"))


@pytest.mark.parametrize(
    "candidate",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:x",
        "/a\nb",
    ],
)
def test_sign_in_returns_only_to_a_path_on_this_site(candidate):
    assert local_path(candidate) == "/"


def test_a_local_path_with_its_query_is_kept():
    assert local_path("/journeys/1?x=2") == "/journeys/1?x=2"


def test_sign_in_required_remembers_where_to_come_back():
    assert SignInRequiredError("/").location() == "/sign-in"
    assert (
        SignInRequiredError("/?flag=safety_hold").location()
        == "/sign-in?next=/%3Fflag%3Dsafety_hold"
    )
    assert SignInRequiredError("/", expired=True).location() == "/sign-in?expired=1"


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)"])
def test_csv_cells_that_would_start_a_formula_are_quoted(text):
    assert safe_cell(text) == "'" + text


def test_csv_cells_keep_ordinary_text():
    assert safe_cell("C-05") == "C-05"
    assert safe_cell("") == ""


def test_a_replay_moment_without_an_offset_is_utc():
    assert parse_moment("2026-10-01T10:30").isoformat() == "2026-10-01T10:30:00+00:00"
    assert parse_moment("2026-10-01T10:30:00Z").utcoffset().total_seconds() == 0
    assert parse_moment("2026-10-01T12:30:00+02:00").hour == 12
