"""A journey as FHIR R4 over HTTP: a full KAP and a full Spravato journey export as Bundles
whose every resource parses with ``fhir.resources``' R4B models, whose references resolve
inside the bundle, whose scale totals are the service's scores and whose Provenance
names each stored entry's seal; staff and auditors only, own clinic only, every read
logged, ``as_of`` for auditors.

R4B, not the package's default R5 models: R4B is the R4-compatible release (its changes
are confined to resources this export does not use), while R5 reshapes Encounter.class,
MedicationAdministration.medication, Consent and AdverseEvent, so R4 documents fail
there. ``fhir.resources`` checks structure, cardinality and datatypes but not code
bindings, so the required status bindings are checked here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from domain.scales import score
from tests.databases import throwaway_postgres
from tests.integration.http.conftest import Api, assert_problem, running_api
from tests.integration.http.test_journey_over_http import kap_story, spravato_story
from tests.story import Step, step

FHIR_JSON = "application/fhir+json"
LOINC = "http://loinc.org"

REQUIRED_CODES = {
    ("Encounter", "status"): {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    ("EpisodeOfCare", "status"): {
        "planned",
        "waitlist",
        "active",
        "onhold",
        "finished",
        "cancelled",
        "entered-in-error",
    },
    ("Observation", "status"): {"registered", "preliminary", "final", "amended"},
    ("MedicationAdministration", "status"): {
        "in-progress",
        "not-done",
        "on-hold",
        "completed",
        "entered-in-error",
        "stopped",
        "unknown",
    },
    ("Consent", "status"): {
        "draft",
        "proposed",
        "active",
        "rejected",
        "inactive",
        "entered-in-error",
    },
    ("CarePlan", "status"): {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("AdverseEvent", "actuality"): {"actual", "potential"},
    ("QuestionnaireResponse", "status"): {
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    },
}
"""R4's required bindings on the coded elements this export writes."""
CAREPLAN_ACTIVITY_KINDS = {
    "Appointment",
    "CommunicationRequest",
    "DeviceRequest",
    "MedicationRequest",
    "NutritionOrder",
    "Task",
    "ServiceRequest",
    "VisionPrescription",
}

PEOPLE = {"Practitioner", "PractitionerRole", "RelatedPerson"}
TARGETS = {
    ("Encounter", "participant", "individual"): PEOPLE,
    ("Observation", "performer"): PEOPLE | {"Patient", "Organization", "CareTeam"},
    ("AdverseEvent", "recorder"): PEOPLE | {"Patient"},
    ("Condition", "recorder"): PEOPLE | {"Patient"},
    ("EpisodeOfCare", "careManager"): {"Practitioner", "PractitionerRole"},
    ("MedicationAdministration", "performer", "actor"): PEOPLE | {"Patient", "Device"},
    ("QuestionnaireResponse", "author"): PEOPLE | {"Patient", "Device", "Organization"},
    ("QuestionnaireResponse", "source"): PEOPLE | {"Patient"},
    ("Provenance", "agent", "who"): PEOPLE | {"Patient", "Device", "Organization"},
}
"""R4's allowed target types of the references to people and systems this export writes
(the models do not check them): a clinic's system, a Device, is no Observation performer."""


def referenced_types(value: Any, path: tuple[str, ...]) -> Iterator[str]:
    if isinstance(value, list):
        for inner in value:
            yield from referenced_types(inner, path)
    elif isinstance(value, dict):
        if not path:
            yield str(value["reference"]).split("/")[0]
        elif path[0] in value:
            yield from referenced_types(value[path[0]], path[1:])


def fhir_resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"]]


def assert_valid_r4(resources: list[dict[str, Any]]) -> None:
    """Each resource parses with its R4B model, and its required codes are R4's."""
    for resource in resources:
        kind = resource["resourceType"]
        get_fhir_model_class(kind).model_validate(resource)
        for (of, element), allowed in REQUIRED_CODES.items():
            if of == kind:
                assert resource[element] in allowed, (kind, element, resource[element])
        for (of, *path), targets in TARGETS.items():
            if of == kind:
                found = set(referenced_types(resource, tuple(path)))
                assert found <= targets, (kind, path, found)


def references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def assert_references_resolve(resources: list[dict[str, Any]]) -> None:
    present = {f"{r['resourceType']}/{r['id']}" for r in resources}
    assert len(present) == len(resources), "a resource id twice"
    dangling = {ref for r in resources for ref in references(r)} - present
    assert not dangling, dangling


def of_type(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["resourceType"] == kind]


def panels(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in of_type(resources, "Observation") if "hasMember" in r]


def with_extras(steps: list[Step]) -> list[Step]:
    """The KAP story with a diagnosis at the consultation, then an adverse event in the
    last session, the consent withdrawn, and a GAD-7 posted by the clinic's system."""
    first, *rest = steps
    consultation = Step(
        first.type,
        first.occurred_at,
        {**first.data, "diagnoses": [{"code": "F33.1"}]},
        first.role,
    )
    end = steps[-1].occurred_at
    return [
        consultation,
        *rest,
        step("AdverseEventReported", end + timedelta(hours=1), session=7),
        step("ConsentWithdrawn", end + timedelta(hours=2)),
        Step(  # an intake form's answers, posted by the clinic's system
            "OutcomeMeasureRecorded",
            end + timedelta(hours=3),
            {"instrument": "GAD-7", "items": [1, 1, 0, 2, 1, 0, 1], "timepoint": "follow_up"},
            "system",
        ),
    ]


class Exported:
    """The two full journeys, stored once per database for the module."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.kap = api.journey("MRN-KAP")
        api.post_all(self.kap, with_extras(kap_story()))
        dose = next(
            e
            for e in api.history(self.kap)
            if e["type"] == "KetamineAdministered" and e["data"]["session"] == 7
        )
        correction = {
            "type": "EntryCorrected",
            "occurred_at": (api.clock.now).isoformat(),
            "recorded_by": {"id": "nurse-1", "role": "nurse"},
            "data": {
                "corrects_version": dose["version"],
                "reason": "Keyed wrong.",
                "data": {"dose_mg": 30},
            },
        }
        answer = api.post(self.kap, correction)
        assert answer.status_code == 201, answer.text
        self.spravato = api.journey("MRN-SPR", protocol="spravato-rems")
        api.post_all(self.spravato, spravato_story())

    def bundle(self, journey_id: str, role: str = "auditor", **params: str) -> dict[str, Any]:
        answer = self.get(journey_id, self.api.tokens[role], **params)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith(FHIR_JSON)
        body: dict[str, Any] = answer.json()
        return body

    def get(self, journey_id: str, token: str, **params: str) -> Any:
        return self.api.client.get(
            f"/v1/journeys/{journey_id}/fhir", params=params, headers=self.api.headers(token)
        )


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def exported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Exported]:
    if request.param == "sqlite":
        with running_api(f"sqlite:///{tmp_path_factory.mktemp('fhir') / 'kap.db'}") as api:
            yield Exported(api)
    else:
        with throwaway_postgres() as url, running_api(url) as api:
            yield Exported(api)


@pytest.mark.parametrize("journey", ["kap", "spravato"])
def test_every_resource_of_a_full_journey_parses_as_r4(exported: Exported, journey: str) -> None:
    bundle = exported.bundle(getattr(exported, journey))

    Bundle.model_validate(bundle)
    resources = fhir_resources(bundle)
    assert_valid_r4(resources)
    assert bundle["type"] == "collection"
    kinds = {r["resourceType"] for r in resources}
    assert kinds >= {
        "Patient",
        "EpisodeOfCare",
        "Encounter",
        "Observation",
        "QuestionnaireResponse",
        "MedicationAdministration",
        "Consent",
        "Provenance",
        "Practitioner",
        "Device",
    }


@pytest.mark.parametrize("journey", ["kap", "spravato"])
def test_references_resolve_inside_the_bundle(exported: Exported, journey: str) -> None:
    bundle = exported.bundle(getattr(exported, journey))
    resources = fhir_resources(bundle)

    assert_references_resolve(resources)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"].endswith(f"/{resource['resourceType']}/{resource['id']}")


def test_the_patient_is_the_clinics_reference_and_nothing_more(exported: Exported) -> None:
    (patient,) = of_type(fhir_resources(exported.bundle(exported.kap)), "Patient")

    assert set(patient) == {"resourceType", "id", "identifier"}
    (identifier,) = patient["identifier"]
    assert identifier["value"] == "MRN-KAP"
    assert identifier["system"] == "urn:kap-journeys:clinic:clinic-a:patient-ref"


PANELS = {"44249-1": ("PHQ-9", "44261-6", 9), "69737-5": ("GAD-7", "70274-6", 7)}
"""LOINC panel code: the instrument, its total's code and its item count."""


def test_scale_totals_are_the_services_scores(exported: Exported) -> None:
    resources = fhir_resources(exported.bundle(exported.kap))
    by_ref = {f"{r['resourceType']}/{r['id']}": r for r in resources}
    measures = {
        datetime.fromisoformat(e["occurred_at"]): e
        for e in exported.api.history(exported.kap)
        if e["type"] == "OutcomeMeasureRecorded"
    }
    found = panels(resources)

    assert len(found) == len(measures) == 4
    phq9_totals = []
    for panel in found:
        instrument, total_code, count = PANELS[panel["code"]["coding"][0]["code"]]
        measure = measures[datetime.fromisoformat(panel["effectiveDateTime"])]
        members = [by_ref[m["reference"]] for m in panel["hasMember"]]
        (total,) = [m for m in members if m["code"]["coding"][0]["code"] == total_code]
        items = [m for m in members if m is not total]
        assert measure["data"]["instrument"] == instrument
        assert total["valueQuantity"]["value"] == score(instrument, measure["data"]["items"]).total
        assert len(items) == count
        assert panel["category"][0]["coding"][0]["code"] == "survey"
        (response,) = panel["derivedFrom"]
        answers = by_ref[response["reference"]]["item"]
        assert [a["linkId"] for a in answers] == [i["code"]["coding"][0]["code"] for i in items]
        if instrument == "PHQ-9":
            phq9_totals.append(total["valueQuantity"]["value"])
    status = exported.api.status(exported.kap).json()["outcomes"]["PHQ-9"]
    assert (phq9_totals[0], phq9_totals[-1]) == (status["baseline"], status["latest"])


def test_answers_posted_by_a_system_are_the_patients_authored_by_a_device(
    exported: Exported,
) -> None:
    resources = fhir_resources(exported.bundle(exported.kap))
    by_ref = {f"{r['resourceType']}/{r['id']}": r for r in resources}
    (gad7,) = [p for p in panels(resources) if p["code"]["coding"][0]["code"] == "69737-5"]
    response = by_ref[gad7["derivedFrom"][0]["reference"]]

    assert gad7["performer"] == [response["source"]]
    assert response["source"]["reference"].startswith("Patient/")
    device = by_ref[response["author"]["reference"]]
    assert device["resourceType"] == "Device"
    assert device["identifier"][0]["value"] == "system-1"


def test_vital_signs_and_doses_are_coded(exported: Exported) -> None:
    resources = fhir_resources(exported.bundle(exported.spravato))
    observed = {r["code"]["coding"][0]["code"] for r in of_type(resources, "Observation")}
    doses = of_type(resources, "MedicationAdministration")

    assert observed >= {"85354-9", "8867-4", "59408-5", "29463-7"}
    bp = next(
        r for r in of_type(resources, "Observation") if r["code"]["coding"][0]["code"] == "85354-9"
    )
    assert [c["code"]["coding"][0]["code"] for c in bp["component"]] == ["8480-6", "8462-4"]
    assert len(doses) == 8
    assert {d["medicationCodeableConcept"]["coding"][0]["code"] for d in doses} == {"2201623"}
    assert {d["dosage"]["route"]["coding"][0]["code"] for d in doses} == {"46713006"}
    assert {d["dosage"]["dose"]["value"] for d in doses} == {56}
    assert all(d["performer"][0]["actor"]["reference"].startswith("Practitioner/") for d in doses)


def test_a_kap_journeys_course_maps_to_its_resources(exported: Exported) -> None:
    resources = fhir_resources(exported.bundle(exported.kap))
    encounters = of_type(resources, "Encounter")
    kinds = [e["type"][0]["coding"][0]["code"] for e in encounters]
    (episode,) = of_type(resources, "EpisodeOfCare")
    (consent,) = of_type(resources, "Consent")
    (event,) = of_type(resources, "AdverseEvent")
    (plan,) = of_type(resources, "CarePlan")
    (condition,) = of_type(resources, "Condition")
    doses = of_type(resources, "MedicationAdministration")

    assert kinds.count("consultation") == kinds.count("preparation") == 1
    assert kinds.count("dosing_session") == kinds.count("integration") == 7
    preparation = next(e for e in encounters if e["type"][0]["coding"][0]["code"] == "preparation")
    assert preparation["class"]["code"] == "VR"  # held by telehealth
    assert episode["status"] == "active"  # maintenance
    assert consent["status"] == "inactive"  # withdrawn
    assert condition["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10-cm",
        "code": "F33.1",
        "display": condition["code"]["coding"][0]["display"],
    }
    assert episode["diagnosis"][0]["condition"]["reference"] == f"Condition/{condition['id']}"
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert plan["activity"][0]["detail"]["kind"] in CAREPLAN_ACTIVITY_KINDS
    assert event["seriousness"]["coding"][0]["code"] in {"Non-serious", "Serious"}
    assert event["suspectEntity"][0]["instance"]["reference"] in {
        f"MedicationAdministration/{d['id']}" for d in doses
    }
    assert sorted(d["dosage"]["dose"]["value"] for d in doses) == [30] + [35] * 6


def test_each_resource_has_a_provenance_naming_its_entries_seals(exported: Exported) -> None:
    resources = fhir_resources(exported.bundle(exported.kap))
    services = exported.api.app.state.services
    seals = {e.originator_version: e.hash for e in services.journeys.events.get(UUID(exported.kap))}
    provenances = of_type(resources, "Provenance")
    targeted = {p["target"][0].get("reference") for p in provenances}
    corrected_dose = next(
        r
        for r in of_type(resources, "MedicationAdministration")
        if r["dosage"]["dose"]["value"] == 30
    )

    for resource in resources:
        if resource["resourceType"] not in {"Provenance", "Device"}:
            assert f"{resource['resourceType']}/{resource['id']}" in targeted, resource
    for provenance in provenances[:-1]:
        for entity in provenance["entity"]:
            version = next(
                x["valueInteger"]
                for x in entity["extension"]
                if x["url"].endswith("journey-version")
            )
            assert entity["what"]["identifier"]["value"] == seals[version]
    dose_provenance = next(
        p
        for p in provenances
        if p["target"][0].get("reference") == f"MedicationAdministration/{corrected_dose['id']}"
    )
    assert [x["extension"][2]["valueString"] for x in dose_provenance["entity"]] == [
        "KetamineAdministered",
        "EntryCorrected",
    ]
    export = provenances[-1]
    assert export["target"] == [{"identifier": bundle_identifier(exported, exported.kap)}]
    assert export["entity"][0]["what"]["identifier"]["value"] == str(
        exported.api.history(exported.kap)[-1]["position"]
    )


def bundle_identifier(exported: Exported, journey_id: str) -> dict[str, str]:
    version = len(exported.api.history(journey_id))
    return {"system": "urn:kap-journeys:fhir-bundle", "value": f"{journey_id}/{version}"}


def test_staff_read_it_and_the_read_is_logged(exported: Exported) -> None:
    api = exported.api
    before = access_log(api)

    exported.bundle(exported.kap, role="staff")

    after = access_log(api)
    assert len(after) == len(before) + 2  # the export, and the previous log read itself
    read = next(
        e for e in after if e["action"] == "export" and e["id"] not in {b["id"] for b in before}
    )
    assert (read["journey_id"], read["role"], read["purpose"]) == (
        exported.kap,
        "staff",
        "treatment",
    )


def access_log(api: Api) -> list[dict[str, Any]]:
    answer = api.client.get(
        "/v1/audit/access-log", params={"limit": 1000}, headers=api.headers(api.tokens["auditor"])
    )
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()["entries"]
    return entries


@pytest.mark.parametrize("role", ["clinic_system", "admin"])
def test_other_roles_may_not_export(exported: Exported, role: str) -> None:
    assert_problem(exported.get(exported.kap, exported.api.tokens[role]), 403)


def test_another_clinics_journey_is_not_found(exported: Exported) -> None:
    answer = exported.get(exported.kap, exported.api.other_clinic["staff"])

    assert_problem(answer, 404, "journey_not_found")


def test_as_of_exports_the_journey_as_it_stood(exported: Exported) -> None:
    history = exported.api.history(exported.kap)
    consent = next(e for e in history if e["type"] == "ConsentSigned")

    then = exported.bundle(exported.kap, as_of=consent["recorded_at"])

    resources = fhir_resources(then)
    assert_valid_r4(resources)
    assert_references_resolve(resources)
    assert of_type(resources, "MedicationAdministration") == []
    (episode,) = of_type(resources, "EpisodeOfCare")
    (consent_then,) = of_type(resources, "Consent")
    assert (episode["status"], consent_then["status"]) == ("active", "active")
    assert then["identifier"]["value"] == f"{exported.kap}/{consent['version']}"


def test_as_of_is_for_auditors_and_not_before_the_opening(exported: Exported) -> None:
    opened = exported.api.history(exported.kap)[0]["recorded_at"]

    staff = exported.get(exported.kap, exported.api.tokens["staff"], as_of=opened)
    early = exported.get(exported.kap, exported.api.tokens["auditor"], as_of="2020-01-01T00:00:00Z")
    naive = exported.get(exported.kap, exported.api.tokens["auditor"], as_of="2026-10-01T10:00:00")

    assert_problem(staff, 403, "forbidden")
    assert_problem(early, 404, "not_yet_open")
    assert_problem(naive, 422)
