"""The FHIR operations answer only what the OpenAPI document declares: schemathesis over
``exportJourneyFhir`` and ``exportClinicFhir`` with an auditor's token (the whole-API run
calls operations it does not know with an admin's, which only ever meets 403)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.integration.http.conftest import Api, running_api
from tests.integration.http.test_schemathesis_conformance import CHECKS
from tests.story import START, dosing_session, intake

FHIR_OPERATIONS = {"exportJourneyFhir", "exportClinicFhir"}
EXAMPLES = 25


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running_api(f"sqlite:///{tmp_path_factory.mktemp('fhir') / 'kap.db'}") as running:
        yield running


def test_the_fhir_operations_answer_as_declared(api: Api) -> None:
    journey_id = api.journey("MRN-SCHEMA")
    api.post_all(journey_id, [*intake(START), *dosing_session(1, START.replace(day=8))])
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())  # type: ignore[union-attr]
        if op.definition.raw.get("operationId") in FHIR_OPERATIONS
    ]
    assert len(operations) == len(FHIR_OPERATIONS)
    token = {"Authorization": f"Bearer {api.tokens['auditor']}"}

    for operation in operations:
        fixed = {"journey_id": journey_id} if "journey_id" in operation.path_parameters else None
        cases = st.one_of(
            [
                operation.as_strategy(mode, path_parameters=fixed)
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            ]
        )

        @given(case=cases)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.headers = {**(case.headers or {}), **token}
            case.call_and_validate(checks=CHECKS)

        run()
