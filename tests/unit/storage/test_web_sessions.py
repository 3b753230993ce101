"""Dashboard sessions: started by a token, ended by time, sign-out or the token's revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy

from interface.auth.roles import Role
from interface.storage.tokens import TokenStore
from interface.storage.web_sessions import (
    IDLE,
    LIFETIME,
    Expired,
    WebSession,
    WebSessions,
    create_web_sessions_table,
    web_sessions,
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 10, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def scene(tmp_path):
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'web.db'}")
    tokens = TokenStore(engine)
    tokens.create_tables()
    clock = Clock()
    create_web_sessions_table(engine)
    yield WebSessions(engine, clock), tokens, clock, engine
    engine.dispose()


def test_a_session_acts_as_its_tokens_principal(scene):
    sessions, tokens, _, _ = scene
    token = tokens.issue(Role.STAFF, "clinic-a", "front-desk")
    found = sessions.resolve(sessions.start(token))
    assert isinstance(found, WebSession)
    assert (found.principal.role, found.principal.clinic_id) == (Role.STAFF, "clinic-a")
    assert found.principal.token_name == "front-desk"
    assert len(found.csrf) >= 40


def test_the_table_keeps_no_session_id_and_no_token(scene):
    sessions, tokens, _, engine = scene
    token = tokens.issue(Role.AUDITOR, "clinic-a", "audit")
    session_id = sessions.start(token)
    with engine.connect() as connection:
        row = connection.execute(sqlalchemy.select(web_sessions)).one()
    assert session_id not in row.id_hash
    assert token not in row.token_hash


def test_an_unknown_id_is_no_session(scene):
    sessions, *_ = scene
    assert sessions.resolve("not-a-session") is None
    assert sessions.resolve(None) is None
    assert sessions.resolve("x" * 500) is None


def test_a_session_idle_too_long_has_expired(scene):
    sessions, tokens, clock, _ = scene
    session_id = sessions.start(tokens.issue(Role.STAFF, "clinic-a", "front-desk"))
    clock.now += IDLE - timedelta(minutes=1)
    assert isinstance(sessions.resolve(session_id), WebSession)  # the request keeps it alive
    clock.now += IDLE - timedelta(minutes=1)
    assert isinstance(sessions.resolve(session_id), WebSession)
    clock.now += IDLE + timedelta(seconds=1)
    assert isinstance(sessions.resolve(session_id), Expired)
    assert sessions.resolve(session_id) is None  # and it is gone


def test_a_session_ends_after_its_lifetime_however_busy(scene):
    sessions, tokens, clock, _ = scene
    session_id = sessions.start(tokens.issue(Role.STAFF, "clinic-a", "front-desk"))
    for _ in range(int(LIFETIME / timedelta(minutes=20))):
        clock.now += timedelta(minutes=20)
        assert isinstance(sessions.resolve(session_id), WebSession)
    clock.now += timedelta(minutes=20)
    assert isinstance(sessions.resolve(session_id), Expired)


def test_revoking_the_token_ends_its_sessions(scene):
    sessions, tokens, _, _ = scene
    session_id = sessions.start(tokens.issue(Role.STAFF, "clinic-a", "front-desk"))
    tokens.revoke("front-desk", "clinic-a")
    found = sessions.resolve(session_id)
    assert isinstance(found, Expired)
    assert "revoked" in found.reason


def test_sign_out_deletes_the_session(scene):
    sessions, tokens, _, _ = scene
    session_id = sessions.start(tokens.issue(Role.STAFF, "clinic-a", "front-desk"))
    sessions.end(session_id)
    assert sessions.resolve(session_id) is None


def test_each_session_has_its_own_id_and_csrf_token(scene):
    sessions, tokens, _, _ = scene
    token = tokens.issue(Role.STAFF, "clinic-a", "front-desk")
    first, second = sessions.start(token), sessions.start(token)
    assert first != second
    assert sessions.resolve(first).csrf != sessions.resolve(second).csrf


def test_starting_a_session_clears_expired_ones(scene):
    sessions, tokens, clock, engine = scene
    token = tokens.issue(Role.STAFF, "clinic-a", "front-desk")
    sessions.start(token)
    clock.now += LIFETIME + timedelta(minutes=1)
    sessions.start(token)
    with engine.connect() as connection:
        assert (
            connection.execute(
                sqlalchemy.select(sqlalchemy.func.count()).select_from(web_sessions)
            ).scalar()
            == 1
        )
