"""What a clinic's settings may hold, each checked at its line on both sides."""

from __future__ import annotations

from datetime import date

import pytest

from domain.clinic_settings import (
    PLACES_OF_SERVICE,
    SETTINGS,
    checked_certification,
    checked_settings,
    checked_staff_member,
    luhn_check_digit,
    npi_is_valid,
)
from domain.errors import ClinicSettingError

ADDRESS = {"line1": "1550 Wewatta St", "city": "Denver", "state": "CO", "postal_code": "80202"}


def refused(field: str, **changes: object) -> str:
    with pytest.raises(ClinicSettingError) as caught:
        checked_settings(changes)
    assert caught.value.field == field
    return caught.value.detail


# NPI: CMS's check-digit algorithm (Luhn over 80840 + the first nine digits).


def test_the_cms_example_npi_passes_and_every_other_check_digit_fails() -> None:
    assert npi_is_valid("1234567893")  # CMS, "NPI check digit" worked example
    for digit in "012456789":
        assert not npi_is_valid(f"123456789{digit}")


def test_the_luhn_digit_doubles_every_second_digit_from_the_right() -> None:
    assert luhn_check_digit("80840123456789") == 3
    assert luhn_check_digit("7992739871") == 3  # the textbook Luhn example
    assert luhn_check_digit("0") == 0
    assert luhn_check_digit("5") == 9  # 5 doubled is 10, less 9 is 1: 10 - 1
    assert luhn_check_digit("9") == 1  # 9 doubled is 18, less 9 is 9


@pytest.mark.parametrize("npi", ["123456789", "12345678930", "123456789X", " 1234567893", ""])
def test_an_npi_is_ten_digits_exactly(npi: str) -> None:
    assert not npi_is_valid(npi)


def test_a_bad_npi_is_named_with_what_would_do() -> None:
    detail = refused("billing_npi", billing_npi="1234567890")
    assert "Luhn" in detail
    assert "1234567893" in detail


# The other settings.


def test_every_setting_is_accepted_in_its_valid_form() -> None:
    values = {
        "display_name": "  Aspen Ketamine Clinic ",
        "time_zone": "America/Denver",
        "address": ADDRESS,
        "phone": "+1 (303) 555-0142",
        "billing_npi": "1234567893",
        "tax_id": "84-1234567",
        "place_of_service": "11",
    }
    checked = checked_settings(values)
    assert set(checked) == set(SETTINGS)
    assert checked["display_name"] == "Aspen Ketamine Clinic"


@pytest.mark.parametrize("zone", ["America/Denver", "UTC", "Europe/London", "America/Phoenix"])
def test_an_iana_zone_is_accepted(zone: str) -> None:
    assert checked_settings({"time_zone": zone}) == {"time_zone": zone}


@pytest.mark.parametrize("zone", ["Mountain", "MST7MDT ", "../etc/passwd", "america/denver", ""])
def test_anything_else_is_not_a_zone(zone: str) -> None:
    assert "IANA" in refused("time_zone", time_zone=zone)


@pytest.mark.parametrize("tax_id", ["841234567", "84-123456", "84-12345678", "8a-1234567"])
def test_a_tax_id_is_an_ein(tax_id: str) -> None:
    assert "NN-NNNNNNN" in refused("tax_id", tax_id=tax_id)


def test_place_of_service_is_a_cms_code() -> None:
    assert set(PLACES_OF_SERVICE) >= {"02", "10", "11"}
    assert checked_settings({"place_of_service": "10"}) == {"place_of_service": "10"}
    assert "11 (Office)" in refused("place_of_service", place_of_service="12")
    refused("place_of_service", place_of_service=11)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"state": "Colorado"}, "address.state"),
        ({"state": "co"}, "address.state"),
        ({"postal_code": "8020"}, "address.postal_code"),
        ({"postal_code": "80202-12"}, "address.postal_code"),
        ({"city": None}, "address.city"),
        ({"line1": " "}, "address.line1"),
        ({"country": "US"}, "address.country"),
    ],
)
def test_an_address_names_its_bad_field(change: dict[str, object], field: str) -> None:
    refused(field, address={**ADDRESS, **change})


def test_a_zip_plus_four_is_an_address() -> None:
    address = {**ADDRESS, "postal_code": "80202-1234", "line2": "Suite 200"}
    assert checked_settings({"address": address})["address"] == address


def test_a_name_has_a_limit_and_cannot_be_cleared() -> None:
    assert checked_settings({"display_name": "x" * 120})["display_name"] == "x" * 120
    refused("display_name", display_name="x" * 121)
    refused("display_name", display_name=None)
    assert checked_settings({"phone": None}) == {"phone": None}  # clearing the rest is fine


def test_an_unknown_setting_is_named() -> None:
    assert "not a clinic setting" in refused("colour", colour="teal")


@pytest.mark.parametrize("phone", ["303555", "phone me", "+1 303 555 0142 ext 12345"])
def test_a_phone_is_a_number(phone: str) -> None:
    refused("phone", phone=phone)


# Staff and certification.


def test_a_staff_member_is_checked_field_by_field() -> None:
    member = checked_staff_member(
        {"staff_id": "dr-lee", "name": "Dana Lee", "role": "prescriber", "npi": "1234567893"}
    )
    assert (member.role, member.npi, member.active, member.credentials) == (
        "prescriber",
        "1234567893",
        True,
        "",
    )
    assert (
        checked_staff_member({"staff_id": "n", "name": "N", "role": "nurse", "npi": ""}).npi is None
    )
    for values, field in (
        ({"staff_id": "dr lee", "name": "D", "role": "nurse"}, "staff_id"),
        ({"staff_id": "x" * 65, "name": "D", "role": "nurse"}, "staff_id"),
        ({"staff_id": "dr-lee", "name": "D", "role": "system"}, "staff.dr-lee.role"),
        ({"staff_id": "dr-lee", "name": "", "role": "nurse"}, "staff.dr-lee.name"),
        ({"staff_id": "dr-lee", "name": "D", "role": "nurse", "npi": "1"}, "staff.dr-lee.npi"),
    ):
        with pytest.raises(ClinicSettingError) as caught:
            checked_staff_member(values)
        assert caught.value.field == field
    assert checked_staff_member({"staff_id": "x" * 64, "name": "D", "role": "nurse"})


def test_a_certification_has_an_id_and_a_date() -> None:
    cert = checked_certification({"certification_id": "HCS-0001", "certified_on": "2025-03-03"})
    assert cert.certified_on == date(2025, 3, 3)
    assert checked_certification({"certification_id": "ABCD", "certified_on": "2025-03-03"})
    for values, field in (
        ({"certification_id": "ABC", "certified_on": "2025-03-03"}, "certification_id"),
        ({"certification_id": "A" * 41, "certified_on": "2025-03-03"}, "certification_id"),
        ({"certification_id": "HCS 0001", "certified_on": "2025-03-03"}, "certification_id"),
        ({"certification_id": "HCS-0001", "certified_on": "03/03/2025"}, "certified_on"),
    ):
        with pytest.raises(ClinicSettingError) as caught:
            checked_certification(values)
        assert caught.value.field == f"rems_certification.{field}"
    assert checked_certification({"certification_id": "A" * 40, "certified_on": "2025-03-03"})
