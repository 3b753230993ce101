"""On PostgreSQL a live token is trusted from memory for a few seconds, so a request
costs no token query; a revocation in any worker still ends it at once in every other
(``interface.storage.revocations``). Two Services on one database stand for two workers.

"At once" is as soon as PostgreSQL hands the revocation's notice to the other worker's
listening session: it signals every listener when the revocation commits, and the
revoking call returns when its own session has heard it. On a loaded machine the other
session's backend may be scheduled a few milliseconds later (a CI run saw it), so the
other worker is given up to ``HEARD_WITHIN_S`` (1 s), far under the ``TRUSTED_FOR_S``
(10 s) it would otherwise trust the token for."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from eventsourcing.cipher import AESCipher
from sqlalchemy import event

from interface.auth.roles import Role
from interface.services import Services
from interface.settings import Settings
from interface.storage.revocations import HEARD_WITHIN_S
from interface.storage.tokens import TRUSTED_FOR_S
from tests.databases import throwaway_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def workers() -> Iterator[tuple[Services, Services]]:
    with throwaway_postgres() as url:
        settings = Settings(database_url=url, cipher_key=AESCipher.create_key(16))
        first, second = Services(settings), Services(settings)
        try:
            yield first, second
        finally:
            first.close()
            second.close()


def queries_while(services: Services, call: object) -> int:
    """How many statements the worker's engine sends while ``call`` runs."""
    sent: list[str] = []

    def count(*_args: object) -> None:
        sent.append("statement")

    event.listen(services.engine, "before_cursor_execute", count)
    try:
        assert callable(call)
        call()
    finally:
        event.remove(services.engine, "before_cursor_execute", count)
    return len(sent)


def refused_soon(worker: Services, token: str) -> bool:
    """Whether the worker refuses the token within ``HEARD_WITHIN_S``."""
    assert HEARD_WITHIN_S < TRUSTED_FOR_S / 5
    deadline = time.monotonic() + HEARD_WITHIN_S
    while worker.tokens.authenticate(token) is not None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_a_live_token_is_looked_up_once(workers: tuple[Services, Services]) -> None:
    first, second = workers
    token = first.tokens.issue(Role.CLINIC_SYSTEM, "clinic-a", "ehr")
    assert second.tokens.authenticate(token) is not None  # listening from now on
    assert queries_while(second, lambda: second.tokens.authenticate(token)) == 1
    assert queries_while(second, lambda: second.tokens.authenticate(token)) == 0


def test_a_revocation_in_one_worker_ends_the_token_at_once_in_the_other(
    workers: tuple[Services, Services],
) -> None:
    first, second = workers
    token = first.tokens.issue(Role.CLINIC_SYSTEM, "clinic-a", "ehr")
    for _ in range(3):
        principal = second.tokens.authenticate(token)
        assert principal is not None
        assert principal.clinic_id == "clinic-a"

    assert first.tokens.revoke("ehr", "clinic-a") == 1

    assert first.tokens.authenticate(token) is None  # the revoking worker: at once
    assert refused_soon(second, token)


def test_a_replaced_token_ends_at_once_in_the_other_worker(
    workers: tuple[Services, Services],
) -> None:
    first, second = workers
    old = first.tokens.issue(Role.STAFF, "clinic-a", "desk")
    for _ in range(3):
        assert second.tokens.authenticate(old) is not None

    new = first.tokens.replace(Role.STAFF, "clinic-a", "desk")

    assert first.tokens.authenticate(old) is None
    assert refused_soon(second, old)
    assert second.tokens.authenticate(new) is not None


def test_an_unknown_token_is_looked_up_every_time(workers: tuple[Services, Services]) -> None:
    first, _ = workers
    first.tokens.authenticate("kap_" + "x" * 40)
    assert queries_while(first, lambda: first.tokens.authenticate("kap_" + "x" * 40)) == 1
    token = first.tokens.issue(Role.AUDITOR, "clinic-a", "audit")
    assert first.tokens.authenticate(token) is not None  # issued after: known at once


def test_a_worker_that_lost_its_listening_session_trusts_nothing_until_it_listens_again(
    workers: tuple[Services, Services],
) -> None:
    first, second = workers
    token = first.tokens.issue(Role.CLINIC_SYSTEM, "clinic-a", "ehr")
    for _ in range(2):
        assert second.tokens.authenticate(token) is not None
    watch = second.tokens._watch
    assert watch is not None
    with watch._lock:
        assert watch._connection is not None
        watch._connection.pgconn.finish()  # the session is gone (an outage, a restart)

    assert queries_while(second, lambda: second.tokens.authenticate(token)) == 1
    first.tokens.revoke("ehr", "clinic-a")
    assert refused_soon(second, token)
