"""A clinic's own protocol (issue 11): its name, its version number, its base, its diff,
and what a journey opened under it allows (an advisory fast, 1 mg/kg IM)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.clinic import Clinic
from domain.clinic_protocols import (
    ParameterChange,
    derive_clinic_protocol,
    next_version,
    protocol_diff,
)
from domain.errors import ClinicSettingError
from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    dose,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    refused,
    status_of,
)

ADVISORY = {"fasting_rule": "advisory", "max_mg_per_kg_injected": 1.0}


def derive(
    name: Any = "denver-kap",
    base: Any = "kap-standard",
    changes: Any = None,
    published: list[dict[str, Any]] | None = None,
) -> Any:
    return derive_clinic_protocol("denver", published or [], name, base, changes or {})


def refused_field(**arguments: Any) -> ClinicSettingError:
    with pytest.raises(ClinicSettingError) as caught:
        derive(**arguments)
    return caught.value


@pytest.mark.parametrize("name", ["denver-kap", "k", "kap2", "a-b-c", "x" * 48])
def test_a_lowercase_slug_names_a_clinic_protocol(name):
    assert derive(name=name).profile.name == name


@pytest.mark.parametrize(
    "name", ["Denver-KAP", "2kap", "-kap", "kap-", "kap--x", "kap x", "", "x" * 49, 7, None]
)
def test_anything_else_is_refused_naming_name(name):
    assert refused_field(name=name).field == "name"


@pytest.mark.parametrize("name", ["kap-standard", "spravato-rems"])
def test_a_built_in_name_is_refused(name):
    error = refused_field(name=name)

    assert (error.field, error.detail) == (
        "name",
        f"{name} is a built-in protocol: give the clinic's version its own name.",
    )


@pytest.mark.parametrize("base", ["kap-2025", None, "denver-kap", ""])
def test_the_base_is_a_built_in(base):
    assert refused_field(base=base).field == "base"


def test_changes_are_a_mapping_of_parameter_names():
    assert refused_field(changes=[("fasting_rule", "advisory")]).field == "changes"
    assert refused_field(changes={1: 2}).field == "changes"
    assert refused_field(changes={"heavy_meals": "avoid"}).field == "heavy_meals"


def test_versions_count_each_name_from_1_and_carry_the_clinic():
    published = [
        {"name": "denver-kap", "base": "kap-standard"},
        {"name": "denver-spravato", "base": "spravato-rems"},
        {"name": "denver-kap", "base": "kap-standard"},
    ]

    assert next_version("denver", published, "denver-kap") == "denver-3"
    assert next_version("denver", published, "denver-spravato") == "denver-2"
    assert next_version("denver", published, "boulder-kap") == "denver-1"
    assert derive(published=published).profile.version == "denver-3"


def test_a_name_keeps_the_base_it_was_first_published_from():
    published = [{"name": "denver-kap", "base": "kap-standard"}]

    error = refused_field(base="spravato-rems", published=published)

    assert error.field == "base"
    assert "denver-kap derives from kap-standard" in error.detail


def test_the_profile_is_the_current_base_with_the_changes_and_its_provenance():
    derived = derive(changes={**ADVISORY, "min_observation_minutes": 60})

    assert derived.profile.extra == {
        "clinic": "denver",
        "base": "kap-standard",
        "base_version": KAP_STANDARD.version,
    }
    assert derived.profile.rule_set == KAP_STANDARD.rule_set
    assert derived.changes == ADVISORY, "a change to the base's own value is no change"
    assert derived.base == "kap-standard"


def test_the_diff_lists_what_differs_from_the_base_version_in_profile_order():
    derived = derive(changes={"fasting_rule": "advisory", "hold_systolic_above": 170})

    assert protocol_diff(derived.profile) == [
        ParameterChange("hold_systolic_above", 180, 170),
        ParameterChange("fasting_rule", "strict", "advisory"),
    ]


def test_a_built_in_has_no_diff():
    assert protocol_diff(KAP_STANDARD) == []
    assert protocol_diff(KAP_STANDARD_2026) == []


def test_the_clinic_keeps_each_version_and_refuses_to_publish_one_twice():
    clinic = Clinic.register("denver", "ops", FIRST_DOSE)
    first = derive(changes=ADVISORY)
    clinic.publish_protocol(first.profile, first.base, first.changes, "ops", FIRST_DOSE)
    second = derive(changes={"min_observation_minutes": 90}, published=clinic.protocols)
    clinic.publish_protocol(second.profile, second.base, second.changes, "ops", FIRST_DOSE)

    assert [p["version"] for p in clinic.protocols] == ["denver-1", "denver-2"]
    assert clinic.latest_protocols()["denver-kap"].min_observation_minutes == 90
    with pytest.raises(ClinicSettingError):
        clinic.publish_protocol(first.profile, first.base, first.changes, "ops", FIRST_DOSE)


# --- what a journey under a clinic protocol allows ------------------------------------


def checked(profile: Any, food_before: timedelta) -> Any:
    return given_journey(
        profile,
        [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, food_before=food_before)],
    )


def test_an_advisory_fast_not_met_is_a_note_on_the_next_step_and_the_dose_is_given():
    profile = derive(changes=ADVISORY).profile
    journey = checked(profile, food_before=timedelta(hours=1))

    status = status_of(journey, FIRST_DOSE)
    post(journey, dose(profile, 1, FIRST_DOSE))

    assert status.blockers == []
    assert status.next_step.code == "administer_dose"
    assert status.next_step.text == (
        "Administer the dose of session 1. Fasting from food is advised, not required: "
        "6 h would end at 2026-10-06 15:00 UTC."
    )
    assert len(journey.facts.doses()) == 1


def test_an_advisory_fast_that_is_met_adds_no_note():
    profile = derive(changes=ADVISORY).profile
    journey = checked(profile, food_before=timedelta(hours=6))

    assert status_of(journey, FIRST_DOSE).next_step.text == "Administer the dose of session 1."


def test_a_strict_fast_not_met_still_blocks_the_dose():
    journey = checked(KAP_STANDARD, food_before=timedelta(hours=1))

    status = status_of(journey, FIRST_DOSE)
    violation = refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE))

    assert violation.rule == "J-04"
    assert "Fasting from food not met: 6 h are needed" in violation.detail
    assert "advised" not in status.next_step.text


def test_spravato_keeps_its_strict_fast():
    profile = derive(name="denver-spravato", base="spravato-rems").profile

    assert profile.fasting_rule == SPRAVATO_REMS.fasting_rule == "strict"


@pytest.mark.parametrize(("mg", "given"), [(70, True), (70.1, False)])
def test_1_mg_per_kg_im_is_the_clinics_line(mg, given):
    profile = derive(changes=ADVISORY).profile
    journey = checked(profile, food_before=timedelta(hours=8))

    if given:
        post(journey, dose(profile, 1, FIRST_DOSE, dose_mg=mg))
        assert len(journey.facts.doses()) == 1
    else:
        assert (
            "1 mg/kg for 70 kg" in refused(journey, dose(profile, 1, FIRST_DOSE, dose_mg=mg)).detail
        )


def test_kap_standard_refuses_1_mg_per_kg_im():
    journey = checked(KAP_STANDARD, food_before=timedelta(hours=8))

    assert "0.75 mg/kg" in refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, dose_mg=70)).detail
