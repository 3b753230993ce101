"""A clinic's own protocol over HTTP (issue 11), on SQLite and PostgreSQL: an admin
publishes a version inside the safety envelope, the clinic's people list the versions with
their diffs, new journeys follow the latest version and older journeys keep theirs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from httpx import Response

from interface.auth.roles import Role
from tests.integration.http.conftest import CLINIC, OTHER_CLINIC, Api, assert_problem
from tests.story import START, dosing_session, intake, step

PROTOCOLS = f"/v1/clinics/{CLINIC}/protocols"
DOSE_AT = START + timedelta(days=10)
DENVER_KAP = {
    "name": "denver-kap",
    "base": "kap-standard",
    "changes": {
        "max_mg_per_kg_injected": 1.0,
        "min_observation_minutes": 90,
        "fasting_rule": "advisory",
    },
}


def publish(api: Api, body: dict[str, Any], token: str | None = None) -> Response:
    return api.client.post(PROTOCOLS, json=body, headers=api.headers(token or api.tokens["admin"]))


def listed(api: Api, token: str | None = None) -> Response:
    return api.client.get(PROTOCOLS, headers=api.headers(token or api.tokens["admin"]))


def checked_for_a_dose(api: Api, protocol: str, patient_ref: str) -> str:
    """A journey under ``protocol`` through intake and session 1's pre-dose check."""
    journey_id = api.journey(patient_ref, protocol=protocol)
    api.post_all(journey_id, [*intake(), dosing_session(1, DOSE_AT)[0]])
    return journey_id


def im_dose(mg: float) -> Any:
    return step("KetamineAdministered", DOSE_AT, session=1, route="im", dose_mg=mg)


def test_an_admin_publishes_a_version_and_gets_it_back_with_its_diff(api: Api) -> None:
    answer = publish(api, DENVER_KAP)

    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["name"], body["version"]) == ("denver-kap", f"{CLINIC}-1")
    assert (body["base"], body["base_version"], body["published_by"]) == (
        "kap-standard",
        "2027-1",
        "ops",
    )
    assert body["diff"] == [
        {"parameter": "min_observation_minutes", "base_value": 60, "clinic_value": 90},
        {"parameter": "max_mg_per_kg_injected", "base_value": 0.75, "clinic_value": 1.0},
        {"parameter": "fasting_rule", "base_value": "strict", "clinic_value": "advisory"},
    ]
    assert body["profile"]["min_observation_minutes"] == 90


def test_staff_and_auditors_list_every_version_oldest_first(api: Api) -> None:
    publish(api, DENVER_KAP)
    publish(api, {**DENVER_KAP, "changes": {"min_observation_minutes": 120}})

    for role in ("admin", "staff", "auditor"):
        answer = listed(api, api.tokens[role])
        assert answer.status_code == 200, answer.text
        versions = answer.json()["protocols"]
        assert [v["version"] for v in versions] == [f"{CLINIC}-1", f"{CLINIC}-2"]
        assert versions[1]["diff"] == [
            {"parameter": "min_observation_minutes", "base_value": 60, "clinic_value": 120}
        ]


def test_a_clinic_without_protocols_lists_none(api: Api) -> None:
    answer = listed(api, api.tokens["staff"])

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"clinic_id": CLINIC, "protocols": []}


def test_a_parameter_outside_the_envelope_is_422_naming_it_and_nothing_is_published(
    api: Api,
) -> None:
    loose = {**DENVER_KAP, "changes": {"min_observation_minutes": 59}}

    problem = assert_problem(publish(api, loose), 422, "clinic_setting_invalid")

    assert problem["detail"].startswith("min_observation_minutes: must be between 60 and 240")
    assert listed(api).json()["protocols"] == []


def test_spravato_fasting_cannot_become_advisory(api: Api) -> None:
    body = {
        "name": "denver-spravato",
        "base": "spravato-rems",
        "changes": {"fasting_rule": "advisory"},
    }

    problem = assert_problem(publish(api, body), 422, "clinic_setting_invalid")

    assert problem["detail"].startswith("fasting_rule: is fixed at strict")


def test_a_built_in_name_and_an_unknown_base_are_422(api: Api) -> None:
    built_in = assert_problem(publish(api, {**DENVER_KAP, "name": "kap-standard"}), 422)
    base = assert_problem(publish(api, {**DENVER_KAP, "base": "kap-2025"}), 422)

    assert built_in["detail"].startswith("name: kap-standard is a built-in protocol")
    assert base["detail"].startswith("base: must be a built-in protocol")


def test_only_an_admin_publishes(api: Api) -> None:
    for role in ("staff", "auditor", "clinic_system"):
        assert_problem(publish(api, DENVER_KAP, api.tokens[role]), 403, "forbidden")
    assert_problem(listed(api, api.tokens["clinic_system"]), 403, "forbidden")


def test_another_clinics_admin_finds_no_such_clinic(api: Api) -> None:
    other_admin = api.app.state.services.tokens.issue(Role.ADMIN, OTHER_CLINIC, "ops")

    assert_problem(publish(api, DENVER_KAP, other_admin), 404, "not_found")
    assert_problem(listed(api, api.other_clinic["staff"]), 404, "not_found")


def test_1_mg_per_kg_im_is_given_under_the_clinic_version_and_refused_under_kap_standard(
    api: Api,
) -> None:
    publish(api, DENVER_KAP)
    standard = checked_for_a_dose(api, "kap-standard", "MRN-1")
    clinics = checked_for_a_dose(api, "denver-kap", "MRN-2")

    refused = assert_problem(api.post(standard, im_dose(70)), 409, "protocol_violation")
    given = api.post(clinics, im_dose(70))

    assert "0.75 mg/kg for 70 kg" in refused["detail"]
    assert given.status_code == 201, given.text
    assert api.status(clinics).json()["protocol"] == {"name": "denver-kap", "version": "clinic-a-1"}


def test_a_journey_opened_before_a_new_version_keeps_the_old_one(api: Api) -> None:
    publish(api, DENVER_KAP)
    before = api.journey("MRN-1", protocol="denver-kap")
    tighter = {"max_mg_per_kg_injected": 0.5, "min_observation_minutes": 120}
    publish(api, {**DENVER_KAP, "changes": tighter})
    after = api.journey("MRN-2", protocol="denver-kap")

    assert api.status(before).json()["protocol"]["version"] == f"{CLINIC}-1"
    assert api.status(after).json()["protocol"]["version"] == f"{CLINIC}-2"
    opening = api.history(before)[0]["data"]["protocol"]
    assert opening["max_mg_per_kg_injected"] == 1.0


def test_a_protocol_name_no_one_published_is_422(api: Api) -> None:
    problem = assert_problem(api.open_journey(protocol="denver-kap"), 422, "invalid_request")

    assert problem["detail"].startswith("protocol: Unknown protocol 'denver-kap'")


def checked_after_a_meal(api: Api, protocol: str, patient_ref: str) -> str:
    """Session 1's pre-dose check taken with the last meal 1 h before the dose."""
    journey_id = api.journey(patient_ref, protocol=protocol)
    check = dosing_session(1, DOSE_AT)[0]
    check.data["last_food_at"] = (DOSE_AT - timedelta(hours=1)).isoformat()
    api.post_all(journey_id, [*intake(), check])
    api.clock.follow(DOSE_AT - timedelta(minutes=1))
    return journey_id


def test_an_advisory_fast_is_a_note_on_the_next_step_and_a_strict_one_blocks(api: Api) -> None:
    publish(api, DENVER_KAP)
    advisory = checked_after_a_meal(api, "denver-kap", "MRN-1")
    strict = checked_after_a_meal(api, "kap-standard", "MRN-2")

    noted, held = api.status(advisory).json(), api.status(strict).json()

    assert noted["blockers"] == []
    assert noted["next_step"]["code"] == "administer_dose"
    assert (
        "Fasting from food is advised, not required: 6 h would end at"
        in (noted["next_step"]["text"])
    )
    assert [b["rule"] for b in held["blockers"]] == ["J-04"]
    assert held["blockers"][0]["text"].startswith("Fasting from food not met: 6 h are needed")
    assert api.post(advisory, im_dose(35)).status_code == 201
    assert_problem(api.post(strict, im_dose(35)), 409, "protocol_violation")
