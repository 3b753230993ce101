"""Signing in and out: the session cookie, CSRF on every form, expiry."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.web.conftest import client_for, csrf_of, sign_in


def test_pages_send_a_visitor_without_a_session_to_sign_in(dashboard):
    browser = client_for(dashboard.api)
    for path, back in (
        ("/", "/sign-in"),
        ("/?flag=safety_hold", "/sign-in?next=/%3Fflag%3Dsafety_hold"),
        ("/audit/compliance", "/sign-in?next=/audit/compliance"),
    ):
        answer = browser.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"] == back


def test_signing_in_sets_an_httponly_strict_session_cookie(dashboard):
    browser = client_for(dashboard.api)
    form = browser.get("/sign-in")
    answer = browser.post(
        "/sign-in",
        data={"csrf": csrf_of(form.text), "token": dashboard.api.tokens["staff"], "next": "/"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("kap_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain HTTP: a Secure cookie would never come back
    assert browser.get("/").status_code == 200


def test_over_https_the_session_cookie_is_secure(dashboard):
    browser = client_for(dashboard.api, "https://testserver")
    form = browser.get("/sign-in")
    answer = browser.post(
        "/sign-in", data={"csrf": csrf_of(form.text), "token": dashboard.api.tokens["staff"]}
    )
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("kap_session="))
    assert "Secure" in cookie


def test_signing_in_returns_to_the_page_asked_for_but_never_off_site(dashboard):
    for asked, landed in (("/?stage=paused", "/?stage=paused"), ("//evil.example/", "/")):
        browser = client_for(dashboard.api)
        form = browser.get("/sign-in", params={"next": asked})
        answer = browser.post(
            "/sign-in",
            data={
                "csrf": csrf_of(form.text),
                "token": dashboard.api.tokens["staff"],
                "next": asked,
            },
        )
        assert answer.headers["location"] == landed


def test_sign_in_without_its_csrf_token_is_refused(dashboard):
    browser = client_for(dashboard.api)
    browser.get("/sign-in")
    answer = browser.post("/sign-in", data={"token": dashboard.api.tokens["staff"]})
    assert answer.status_code == 403
    assert "kap_session" not in answer.headers.get("set-cookie", "")


def test_sign_in_with_a_token_the_cookie_does_not_match_is_refused(dashboard):
    attacker = client_for(dashboard.api)
    victim = client_for(dashboard.api)
    victim.get("/sign-in")
    forged = csrf_of(attacker.get("/sign-in").text)
    answer = victim.post("/sign-in", data={"csrf": forged, "token": dashboard.api.tokens["staff"]})
    assert answer.status_code == 403


def test_a_post_from_another_site_is_refused(dashboard):
    browser = client_for(dashboard.api)
    form = browser.get("/sign-in")
    answer = browser.post(
        "/sign-in",
        data={"csrf": csrf_of(form.text), "token": dashboard.api.tokens["staff"]},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403


def test_an_unknown_token_or_one_without_a_dashboard_is_refused(dashboard):
    browser = client_for(dashboard.api)
    for token, words in (
        ("kap_nonsense", "unknown or revoked"),
        (dashboard.api.tokens["clinic_system"], "has no dashboard"),
        (dashboard.api.tokens["admin"], "has no dashboard"),
    ):
        form = browser.get("/sign-in")
        answer = browser.post("/sign-in", data={"csrf": csrf_of(form.text), "token": token})
        assert answer.status_code == 401
        assert words in answer.text
        assert browser.get("/").status_code == 303


def test_sign_out_needs_the_sessions_csrf_token(dashboard):
    browser = sign_in(dashboard.api, dashboard.api.tokens["staff"])
    assert browser.post("/sign-out", data={}).status_code == 403
    assert browser.post("/sign-out", data={"csrf": "guessed"}).status_code == 403
    assert browser.get("/").status_code == 200  # still signed in

    answer = browser.post("/sign-out", data={"csrf": csrf_of(browser.get("/").text)})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?signed_out=1"
    assert browser.get("/").status_code == 303


def test_a_session_idle_past_its_limit_sends_the_viewer_to_sign_in_again(dashboard):
    api = dashboard.api
    browser = sign_in(api, api.tokens["staff"])
    before = api.clock.now
    try:
        api.clock.now = before + timedelta(minutes=31)
        answer = browser.get("/")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/sign-in?expired=1"
        assert "Your session ended" in browser.get("/sign-in?expired=1").text
    finally:
        api.clock.now = before


def test_a_form_that_is_not_urlencoded_is_refused(dashboard):
    browser = client_for(dashboard.api)
    answer = browser.post("/sign-in", json={"token": dashboard.api.tokens["staff"]})
    assert answer.status_code == 400
