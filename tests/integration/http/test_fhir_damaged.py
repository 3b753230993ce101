"""A journey whose stored entries were altered so they no longer fold: its FHIR export
answers 409 ``journey_damaged`` (never a 500), and the clinic's Bulk Data export leaves it
out, names it in the manifest's ``error``, and still exports the clinic's other journeys."""

from __future__ import annotations

import io
import json
import zipfile
from uuid import UUID

from tests.integration.audit.intruder import Intruder
from tests.integration.http.conftest import Api, assert_problem
from tests.integration.http.test_damaged_journey import swap_contents
from tests.story import intake


def test_a_damaged_journey_is_refused_alone_and_listed_in_the_clinic_export(api: Api) -> None:
    damaged = api.journey("MRN-DAMAGED")
    api.post_all(damaged, intake())
    sound = api.journey("MRN-SOUND")
    api.post_all(sound, intake())
    intruder = Intruder(api.database_url, api.app.state.services.journeys)
    intruder.drop_protection()
    swap_contents(intruder, UUID(damaged), 3, 4)
    auditor = api.headers(api.tokens["auditor"])

    alone = api.client.get(f"/v1/journeys/{damaged}/fhir", headers=auditor)
    clinic = api.client.get("/v1/fhir/$export", headers=auditor)

    assert_problem(alone, 409, "journey_damaged")
    assert clinic.status_code == 200, clinic.text
    with zipfile.ZipFile(io.BytesIO(clinic.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        episodes = [
            json.loads(line)["id"]
            for line in archive.read("EpisodeOfCare.ndjson").decode().splitlines()
        ]
    assert episodes == [sound]
    assert manifest["error"] == [
        {"type": "OperationOutcome", "journey": damaged, "code": "journey_damaged"}
    ]
