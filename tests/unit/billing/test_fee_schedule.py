"""What a clinic's fee schedule may hold: checked before the clinic stores it."""

from __future__ import annotations

import pytest

from domain.billing import DEFAULT_FEE_SCHEDULE, MAX_FEE_CENTS, check_fee_schedule
from domain.billing.codes import esketamine_code, psychotherapy_code, visit_code
from domain.errors import ClinicSettingError


def refused_field(values) -> str:
    with pytest.raises(ClinicSettingError) as refused:
        check_fee_schedule(values)
    assert refused.value.detail
    return refused.value.field


def test_an_empty_schedule_is_the_default():
    assert check_fee_schedule({}) == DEFAULT_FEE_SCHEDULE


def test_codes_are_kept_in_upper_case_and_sorted():
    checked = check_fee_schedule({"fees": {"g2083": 80000, "90792": 35000, "0001F": 0}})
    assert list(checked["fees"].items()) == [("0001F", 0), ("90792", 35000), ("G2083", 80000)]


@pytest.mark.parametrize("fee", [0, 1, MAX_FEE_CENTS])
def test_a_fee_from_zero_to_the_cap_is_accepted(fee):
    assert check_fee_schedule({"fees": {"90837": fee}})["fees"] == {"90837": fee}


@pytest.mark.parametrize("fee", [-1, MAX_FEE_CENTS + 1, 350.0, "35000", True, None])
def test_a_fee_outside_zero_to_the_cap_or_not_whole_cents_is_refused(fee):
    assert refused_field({"fees": {"90837": fee}}) == "fees.90837"


@pytest.mark.parametrize("code", ["9083", "908377", "W1234", "X0001", "9083F7", "99-213", ""])
def test_a_code_that_is_not_cpt_or_hcpcs_is_refused(code):
    assert refused_field({"fees": {code: 100}}) == f"fees.{code}"


def test_a_code_listed_twice_in_two_cases_is_refused():
    assert refused_field({"fees": {"g2082": 1, "G2082": 2}}) == "fees.G2082"


def test_fees_that_are_not_a_map_are_refused():
    assert refused_field({"fees": [["90837", 1]]}) == "fees"


def test_an_unknown_field_is_refused():
    assert refused_field({"fees": {}, "currency": "EUR"}) == "currency"


@pytest.mark.parametrize("place", ["02", "10"])
def test_a_telehealth_place_of_service_is_02_or_10(place):
    checked = check_fee_schedule({"telehealth_place_of_service": place})
    assert checked["telehealth_place_of_service"] == place


@pytest.mark.parametrize("place", ["11", "2", 10])
def test_any_other_telehealth_place_is_refused(place):
    assert refused_field({"telehealth_place_of_service": place}) == "telehealth_place_of_service"


@pytest.mark.parametrize("minutes", [1, 240])
def test_standard_minutes_from_1_to_240_are_accepted(minutes):
    checked = check_fee_schedule({"standard_minutes": {"integration": minutes}})
    assert checked["standard_minutes"] == {"preparation": 60, "integration": minutes}


@pytest.mark.parametrize("minutes", [0, 241, 45.5, True])
def test_standard_minutes_outside_1_to_240_are_refused(minutes):
    field = refused_field({"standard_minutes": {"preparation": minutes}})
    assert field == "standard_minutes.preparation"


def test_standard_minutes_of_another_kind_are_refused():
    assert refused_field({"standard_minutes": {"dosing": 60}}) == "standard_minutes"


@pytest.mark.parametrize(
    ("minutes", "code"),
    [(15, None), (16, "90832"), (37, "90832"), (38, "90834"), (52, "90834"), (53, "90837")],
)
def test_psychotherapy_bands(minutes, code):
    assert psychotherapy_code(minutes) == code


@pytest.mark.parametrize(
    ("minutes", "code"),
    [(0, "99213"), (29, "99213"), (30, "99214"), (39, "99214"), (40, "99215"), (200, "99215")],
)
def test_visit_levels(minutes, code):
    assert visit_code(minutes) == code


@pytest.mark.parametrize(
    ("mg", "code"), [(28, "G2082"), (56, "G2082"), (56.5, "G2083"), (84, "G2083")]
)
def test_esketamine_bands(mg, code):
    assert esketamine_code(mg) == code
