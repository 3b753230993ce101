"""Schemathesis over the whole API (stateless, on SQLite): generated requests, valid and
not, each sent with a token of the role the operation is for, against a clinic with a
journey through its first dosing session. No answer may be a 5xx, and every answer must be
one the OpenAPI document declares: its status, content type, headers and body schema.

The example count is bounded (``EXAMPLES`` per operation) so the run stays within about
two minutes on two CPUs; raise it locally with ``KAP_SCHEMATHESIS_EXAMPLES``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from interface.auth.roles import Role
from interface.http.app import create_app
from tests.integration.http.conftest import (
    CLINIC,
    SOURCE,
    Api,
    Clock,
    assert_problem,
    certify_for_spravato,
)
from tests.integration.signed import signed_settings
from tests.story import START, dosing_session, intake

EXAMPLES = int(os.environ.get("KAP_SCHEMATHESIS_EXAMPLES", "30"))

ROLE_OF = {
    "openJourney": "clinic_system",
    "appendEvent": "clinic_system",
    "importEvents": "clinic_system",
    "getCaseload": "staff",
    "getJourneyStatus": "staff",
    "getJourneyHistory": "staff",
    "getRemsForm": "staff",
    "getSuperbill": "staff",
    "replayJourney": "auditor",
    "verifyJourney": "auditor",
    "listCheckpoints": "auditor",
    "getInclusionProof": "auditor",
    "getComplianceReport": "auditor",
    "getAccessLog": "auditor",
    "exportJourneyEvidence": "auditor",
    "getClinicChanges": "auditor",
    "exportJourneyFhir": "staff",
    "exportClinicFhir": "auditor",
}
"""Each operation's caller; any other (the clinic's pages) is the admin's."""

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The app with a signing key, so the checkpoint routes answer with checkpoints."""
    settings = signed_settings(f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'kap.db'}")
    clock = Clock(START + timedelta(minutes=1))
    app = create_app(settings, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        services = app.state.services
        tokens = {
            "clinic_system": services.tokens.issue(Role.CLINIC_SYSTEM, CLINIC, SOURCE),
            "staff": services.tokens.issue(Role.STAFF, CLINIC, "front-desk"),
            "auditor": services.tokens.issue(Role.AUDITOR, CLINIC, "audit"),
            "admin": services.tokens.issue(Role.ADMIN, CLINIC, "ops"),
        }
        certify_for_spravato(services, CLINIC)
        yield Api(client, app, settings, clock, tokens, {}, settings.database_url)


@pytest.fixture(scope="module")
def journey_id(api: Api) -> str:
    """A journey through its first dosing session, recorded in a signed checkpoint."""
    journey = api.journey("MRN-SCHEMA")
    api.post_all(journey, [*intake(START), *dosing_session(1, START.replace(day=8))])
    assert api.app.state.services.checkpoints.create() is not None
    return journey


def _failures_of(operation: Any, api: Api, journey_id: str) -> str | None:
    """Run the operation's examples, valid and not; the first failure found, if any."""
    fixed_path = {
        name: {"journey_id": journey_id, "clinic": CLINIC}[name]
        for name in ("journey_id", "clinic")
        if name in operation.path_parameters
    }
    role = ROLE_OF.get(operation.definition.raw.get("operationId", ""), "admin")
    token = {"Authorization": f"Bearer {api.tokens[role]}"}
    cases = st.one_of(
        [
            operation.as_strategy(mode, path_parameters=fixed_path or None)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ]
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a bounded run
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.headers = {**(case.headers or {}), **token}
        case.call_and_validate(checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as failure:  # each operation's failures, reported
        return f"{operation.label}: {failure}"
    return None


def test_every_answer_is_one_the_document_declares(api: Api, journey_id: str) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) > 20

    failures = [f for f in (_failures_of(op, api, journey_id) for op in operations) if f]

    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/v1/audit/access-log?before_id=145000944112425074688", "auditor"),
        ("/v1/journeys?after_position=145000944112425074688", "staff"),
        ("/v1/audit/compliance?after_position=145000944112425074688", "auditor"),
    ],
)
def test_a_number_past_what_the_database_holds_is_refused_not_failed(
    api: Api, path: str, role: str
) -> None:
    """Found by the run above: a row id past 2**63 reached SQLite and failed (500)."""
    answer = api.client.get(path, headers=api.headers(api.tokens[role]))

    assert_problem(answer, 422, "invalid_request")
