"""A clinic set up over HTTP by its admin: settings, staff directory and REMS
certification, each change kept; the directory and certification then decide entries."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from interface.auth.roles import Role
from tests.integration.http.conftest import CLINIC, OTHER_CLINIC, Api, assert_problem
from tests.story import START, Step, dosing_session, intake

pytestmark = pytest.mark.usefixtures("database_url")

SETTINGS: dict[str, Any] = {
    "display_name": "Aspen Ketamine Clinic",
    "time_zone": "America/Denver",
    "address": {
        "line1": "1550 Wewatta St",
        "city": "Denver",
        "state": "CO",
        "postal_code": "80202",
    },
    "phone": "+1 303 555 0142",
    "billing_npi": "1234567893",
    "tax_id": "84-1234567",
    "place_of_service": "11",
    "rems_certification": {"certification_id": "HCS-DEN-0142", "certified_on": "2025-03-03"},
}
DIRECTORY = {
    "prescriber-1": {
        "name": "Dana Lee",
        "role": "prescriber",
        "credentials": "MD",
        "npi": "1999900016",
    },
    "therapist-1": {"name": "Ana Ruiz", "role": "therapist", "credentials": "LCSW"},
    "nurse-1": {"name": "Min Kim", "role": "nurse", "credentials": "RN"},
    "nurse-kim": {"name": "Kim Park", "role": "nurse", "credentials": "RN"},
    "coord-sam": {"name": "Sam Ortiz", "role": "coordinator"},
}


def put_clinic(api: Api, body: dict[str, Any], token: str | None = None, clinic: str = CLINIC):
    return api.client.put(
        f"/v1/clinics/{clinic}", json=body, headers=api.headers(token or api.tokens["admin"])
    )


def put_member(api: Api, staff_id: str, body: dict[str, Any]):
    return api.client.put(
        f"/v1/clinics/{CLINIC}/staff/{staff_id}",
        json=body,
        headers=api.headers(api.tokens["admin"]),
    )


def read_clinic(api: Api, role: str = "staff"):
    return api.client.get(f"/v1/clinics/{CLINIC}", headers=api.headers(api.tokens[role]))


def test_an_admin_sets_the_clinic_up_and_its_people_read_it(api: Api) -> None:
    api.app.state.services.clinics  # noqa: B018 - the conftest certified clinic-a already
    answer = put_clinic(api, SETTINGS)
    assert answer.status_code == 200, answer.text
    for role in ("staff", "auditor", "admin"):
        clinic = read_clinic(api, role).json()
        assert clinic["time_zone"] == "America/Denver"
        assert clinic["billing_npi"] == "1234567893"
        assert clinic["address"]["city"] == "Denver"
        assert clinic["rems_certification"]["certification_id"] == "HCS-DEN-0142"
    for staff_id, member in DIRECTORY.items():
        assert put_member(api, staff_id, member).status_code == 200
    staff = api.client.get(
        f"/v1/clinics/{CLINIC}/staff", headers=api.headers(api.tokens["staff"])
    ).json()["staff"]
    assert [m["staff_id"] for m in staff] == sorted(DIRECTORY)
    assert all(m["active"] for m in staff)


def test_whoever_opens_a_journey_is_in_the_directory(api: Api) -> None:
    _directory(api)
    put_member(api, "coord-sam", {**DIRECTORY["coord-sam"], "active": False})
    refused = assert_problem(api.open_journey(), 409)
    assert "coord-sam is inactive" in refused["detail"]
    put_member(api, "coord-sam", DIRECTORY["coord-sam"])
    assert api.open_journey().status_code == 201


def test_a_put_that_changes_nothing_records_nothing(api: Api) -> None:
    first = put_clinic(api, SETTINGS).json()["version"]
    again = put_clinic(api, SETTINGS).json()["version"]
    assert again == first
    changed = put_clinic(api, {**SETTINGS, "phone": "+1 303 555 0199"}).json()["version"]
    assert changed == first + 1


def test_put_replaces_the_settings_a_setting_left_out_is_cleared(api: Api) -> None:
    put_clinic(api, SETTINGS)
    body = {k: v for k, v in SETTINGS.items() if k != "phone"}
    clinic = put_clinic(api, body).json()
    assert clinic["phone"] is None
    assert clinic["billing_npi"] == "1234567893"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"billing_npi": "1234567890"}, "billing_npi"),  # check digit off by 3
        ({"time_zone": "Mountain/Denver"}, "time_zone"),
        ({"tax_id": "841234567"}, "tax_id"),
        ({"place_of_service": "99"}, "place_of_service"),
        ({"address": {**SETTINGS["address"], "state": "Colorado"}}, "address.state"),
        (
            {"rems_certification": {"certification_id": "x", "certified_on": "2025-03-03"}},
            "rems_certification.certification_id",
        ),
    ],
)
def test_a_bad_setting_is_named_and_nothing_is_recorded(
    api: Api, change: dict[str, Any], named: str
) -> None:
    before = read_clinic(api).json()
    answer = put_clinic(api, {**SETTINGS, **change})
    detail = str(assert_problem(answer, 422)["detail"])
    assert named in detail
    assert read_clinic(api).json() == before  # not even the settings that were good


def test_only_the_clinics_admin_sets_it_and_only_its_people_read_it(api: Api) -> None:
    put_clinic(api, SETTINGS)
    assert_problem(put_clinic(api, SETTINGS, api.tokens["staff"]), 403)
    assert_problem(put_clinic(api, SETTINGS, api.tokens["clinic_system"]), 403)
    assert_problem(put_clinic(api, SETTINGS, clinic=OTHER_CLINIC), 404)
    other = api.client.get(f"/v1/clinics/{CLINIC}", headers=api.headers(api.other_clinic["staff"]))
    assert_problem(other, 404)
    assert_problem(api.client.get(f"/v1/clinics/{CLINIC}"), 401)


def test_a_clinic_with_no_settings_is_not_registered(api: Api) -> None:
    token = api.app.state.services.tokens.issue(Role.STAFF, "clinic-c", "front-desk")
    answer = api.client.get("/v1/clinics/clinic-c", headers=api.headers(token))
    detail = assert_problem(answer, 404, "clinic_not_registered")["detail"]
    assert "PUT /v1/clinics/clinic-c" in detail


def test_every_change_is_kept_with_who_made_it(api: Api) -> None:
    put_clinic(api, SETTINGS)
    put_member(api, "nurse-1", DIRECTORY["nurse-1"])
    put_member(api, "nurse-1", {**DIRECTORY["nurse-1"], "active": False})
    changes = api.client.get(
        f"/v1/clinics/{CLINIC}/changes", headers=api.headers(api.tokens["auditor"])
    ).json()["changes"]
    types = [c["type"] for c in changes]
    assert types[0] == "Registered"
    assert types[-2:] == ["StaffMemberRecorded", "StaffMemberRecorded"]
    assert changes[-1]["change"]["member"]["active"] is False
    assert {c["recorded_by"] for c in changes[len(types) - 3 :]} == {"ops"}
    staff_read = api.client.get(
        f"/v1/clinics/{CLINIC}/changes", headers=api.headers(api.tokens["staff"])
    )
    assert_problem(staff_read, 403)


def _directory(api: Api) -> None:
    put_clinic(api, SETTINGS)
    for staff_id, member in DIRECTORY.items():
        assert put_member(api, staff_id, member).status_code == 200


def _by(api: Api, s: Step, staff_id: str, role: str | None = None) -> dict[str, Any]:
    """The step's body as ``staff_id`` records it (the clock moves to the step)."""
    api.clock.follow(s.occurred_at)
    body = copy.deepcopy(s.envelope())
    body["recorded_by"] = {"id": staff_id, "role": role or s.role}
    return body


def test_the_directory_decides_who_records(api: Api) -> None:
    _directory(api)
    journey = api.journey()
    consultation, baseline, *_ = intake()
    unknown = api.post(journey, _by(api, consultation, "dr-nobody"))
    assert (
        "not in clinic clinic-a's staff directory"
        in assert_problem(answer := unknown, 409)["detail"]
    )
    assert answer.json()["rule"] == "J-17"
    wrong_role = api.post(journey, _by(api, consultation, "nurse-1", "prescriber"))
    assert "listed as nurse" in assert_problem(wrong_role, 409)["detail"]
    assert api.post(journey, consultation).status_code == 201
    # A clinic's intake system is a machine, not staff: it records measures unlisted.
    assert api.post(journey, _by(api, baseline, "intake-system", "system")).status_code == 201


def test_a_deactivated_member_records_no_more(api: Api) -> None:
    _directory(api)
    journey = api.journey()
    consultation, baseline, *_ = intake()
    put_member(api, "therapist-1", {**DIRECTORY["therapist-1"], "active": False})
    api.post(journey, consultation)
    refused = api.post(journey, baseline)
    assert "therapist-1 is inactive" in assert_problem(refused, 409)["detail"]
    put_member(api, "therapist-1", DIRECTORY["therapist-1"])  # reactivated
    assert api.post(journey, baseline).status_code == 201


def test_the_staff_a_dose_names_must_be_active_in_the_directory_in_that_role(api: Api) -> None:
    _directory(api)
    journey = api.journey()
    api.post_all(journey, intake())
    check, dose, *_ = dosing_session(1, START + timedelta(days=6))
    api.post(journey, check)
    body = _by(api, dose, "nurse-1")
    body["data"]["therapist_present"] = "nurse-kim"
    refused = api.post(journey, body)
    detail = assert_problem(refused, 409)["detail"]
    assert "therapist_present names nurse-kim, who is listed as nurse" in detail
    body["data"]["therapist_present"] = "therapist-1"
    body["data"]["administered_by"] = "therapist-1"
    detail = assert_problem(api.post(journey, body), 409)["detail"]
    assert "administered_by names therapist-1" in detail
    recorded = api.post(journey, dose)
    assert recorded.status_code == 201, recorded.text


def test_no_spravato_dose_while_the_clinic_has_no_rems_certification(api: Api) -> None:
    uncertified = {k: v for k, v in SETTINGS.items() if k != "rems_certification"}
    assert put_clinic(api, uncertified).json()["rems_certification"] is None
    journey = api.journey(protocol="spravato-rems")
    api.post_all(journey, intake(route="intranasal"))
    check, dose, *_ = dosing_session(1, START + timedelta(days=6), protocol="spravato-rems")
    api.post(journey, check)
    status = api.status(journey).json()
    assert [b["rule"] for b in status["blockers"]] == ["J-18"]
    refused = assert_problem(api.post(journey, dose), 409)
    assert refused["rule"] == "J-18"
    assert "rems_certification" in refused["detail"]
    put_clinic(api, SETTINGS)
    assert api.post(journey, dose).status_code == 201


def test_a_kap_dose_needs_no_rems_certification(api: Api) -> None:
    put_clinic(api, {k: v for k, v in SETTINGS.items() if k != "rems_certification"})
    journey = api.journey()
    api.post_all(journey, intake())
    api.post_all(journey, dosing_session(1, START + timedelta(days=6)))


def test_a_bad_staff_member_is_named(api: Api) -> None:
    put_clinic(api, SETTINGS)
    bad_npi = put_member(api, "dr-x", {"name": "X", "role": "prescriber", "npi": "1234567890"})
    assert "staff.dr-x.npi" in assert_problem(bad_npi, 422)["detail"]
    bad_role = put_member(api, "dr-x", {"name": "X", "role": "surgeon"})
    assert_problem(bad_role, 422)


FEES = {"fees": {"90792": 45000, "g2082": 65000}, "standard_minutes": {"preparation": 50}}


def test_the_admin_sets_the_fees_a_superbill_bills(api: Api) -> None:
    put_clinic(api, SETTINGS)
    before = api.client.get(f"/v1/clinics/{CLINIC}/fees", headers=api.headers(api.tokens["staff"]))
    assert before.json()["set"] is False
    assert before.json()["fees"] == {}
    answer = api.client.put(
        f"/v1/clinics/{CLINIC}/fees", json=FEES, headers=api.headers(api.tokens["admin"])
    )
    assert answer.status_code == 200, answer.text
    fees = answer.json()
    assert fees["fees"] == {"90792": 45000, "G2082": 65000}  # codes read upper-case
    assert fees["standard_minutes"] == {"preparation": 50, "integration": 60}
    assert fees["set"] is True
    assert read_clinic(api).json()["fee_schedule_set"] is True


@pytest.mark.parametrize(
    ("fees", "named"),
    [
        ({"fees": {"9079": 100}}, "fees.9079"),
        ({"fees": {"90792": -1}}, "fees.90792"),
        ({"fees": {"90792": 1_000_001}}, "fees.90792"),
        ({"fees": {}, "standard_minutes": {"preparation": 0}}, "standard_minutes.preparation"),
    ],
)
def test_a_bad_fee_is_named(api: Api, fees: dict[str, Any], named: str) -> None:
    put_clinic(api, SETTINGS)
    answer = api.client.put(
        f"/v1/clinics/{CLINIC}/fees", json=fees, headers=api.headers(api.tokens["admin"])
    )
    assert named in assert_problem(answer, 422)["detail"]
    staff = api.client.put(
        f"/v1/clinics/{CLINIC}/fees", json=FEES, headers=api.headers(api.tokens["staff"])
    )
    assert_problem(staff, 403)
