"""ICD-10-CM diagnoses: the code's form, the shipped table, the headings it refuses, and
what the journey keeps of a consultation's diagnoses (its facts, the flag, corrections)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.diagnoses import (
    MAX_DIAGNOSES,
    TABLE,
    DiagnosisCodeError,
    diagnoses_of,
    duplicate_codes,
    is_verified,
    normalised_code,
    subcodes,
    title,
)
from domain.journey import Journey
from domain.snapshot_upcasts import facts_v2_v3
from domain.status_flags import FLAG_ORDER
from tests.story import START, step
from tests.unit.domain.conftest import correct, given_journey, post, status_of, version_of

CONSULTED = START + timedelta(hours=1)
LATER = START + timedelta(days=1)

# --- the table ------------------------------------------------------------------------

CATEGORIES = {
    "F32": [
        *("F32.0", "F32.1", "F32.2", "F32.3", "F32.4", "F32.5"),
        *("F32.81", "F32.89", "F32.9", "F32.A"),
    ],
    "F33": ["F33.0", "F33.1", "F33.2", "F33.3", "F33.40", "F33.41", "F33.42", "F33.8", "F33.9"],
    "F43.1": ["F43.10", "F43.11", "F43.12"],
    "F41": ["F41.0", "F41.1", "F41.3", "F41.8", "F41.9"],
}


def test_the_table_holds_exactly_the_codes_kap_clinics_use():
    assert sorted(TABLE) == sorted(code for codes in CATEGORIES.values() for code in codes)
    assert all(TABLE[code].strip() for code in TABLE)


@pytest.mark.parametrize("code", sorted(TABLE))
def test_every_code_of_the_table_is_accepted_as_written_and_verified(code):
    assert normalised_code(code) == code
    assert is_verified(code)
    assert title(code) == TABLE[code]


@pytest.mark.parametrize("code", sorted(TABLE))
def test_every_code_of_the_table_is_accepted_in_lower_case_and_without_its_dot(code):
    assert normalised_code(code.lower()) == code
    assert normalised_code(code.replace(".", "")) == code
    assert normalised_code(code.lower().replace(".", "")) == code


def test_titles_read_as_the_tabular_list_has_them():
    assert TABLE["F33.1"] == "Major depressive disorder, recurrent, moderate"
    assert TABLE["F43.10"] == "Post-traumatic stress disorder, unspecified"
    assert TABLE["F41.1"] == "Generalized anxiety disorder"
    assert TABLE["F32.A"] == "Depression, unspecified"
    assert title("F99") is None


# --- headings the table knows need more characters ---------------------------------------


@pytest.mark.parametrize(
    ("heading", "under"),
    [
        ("F32", CATEGORIES["F32"]),
        ("F32.8", ["F32.81", "F32.89"]),
        ("F33", CATEGORIES["F33"]),
        ("F33.4", ["F33.40", "F33.41", "F33.42"]),
        ("F43", CATEGORIES["F43.1"]),
        ("F43.1", CATEGORIES["F43.1"]),
        ("F41", CATEGORIES["F41"]),
    ],
)
def test_a_heading_is_refused_with_the_codes_under_it_listed(heading, under):
    assert subcodes(heading) == under
    for written in (heading, heading.lower(), heading.replace(".", "")):
        with pytest.raises(DiagnosisCodeError) as refused:
            normalised_code(written)
        message = str(refused.value)
        assert message.startswith(f"{heading} is a category that needs more characters")
        assert all(code in message for code in under)


def test_a_heading_of_one_code_names_it_alone():
    assert subcodes("F43.1") == ["F43.10", "F43.11", "F43.12"]
    with pytest.raises(DiagnosisCodeError, match=r"are F43\.10, F43\.11 and F43\.12\.$"):
        normalised_code("F43.1")


def test_a_leaf_of_the_table_has_nothing_under_it():
    assert subcodes("F33.1") == []
    assert subcodes("F41.9") == []


# --- the form, at its edges --------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("F30", "F30"),  # a 3-character code the table knows nothing under
        ("f30", "F30"),
        ("F33.5", "F33.5"),  # under a known category, but not in the table
        ("F331234", "F33.1234"),  # 7 characters, the most ICD-10-CM has
        ("F33.1234", "F33.1234"),
        ("F33.X", "F33.X"),
        ("z6379", "Z63.79"),
        ("t435x1a", "T43.5X1A"),
        (" F33.1 ", "F33.1"),  # surrounding spaces are not part of it
        ("U07.1", "U07.1"),
        ("F3A", "F3A"),
    ],
)
def test_a_well_formed_code_is_accepted_and_normalised(written, stored):
    assert normalised_code(written) == stored


@pytest.mark.parametrize(
    "written",
    [
        "",
        " ",
        "F",
        "F3",  # too short: a category has three characters
        "33.1",
        "3F3.1",
        "FF3.1",  # the second character is a digit
        "F33.",  # a dot must be followed by something
        "F33..1",
        "F.331",
        "F33.12345",  # at most 4 after the dot
        "F33.123456",
        "F3312345",
        "F33-1",
        "F33 .1",
        "F33.1 2",
        "F33.é",
        "F33,1",
    ],
)
def test_a_malformed_code_is_refused_with_the_expected_form(written):
    with pytest.raises(DiagnosisCodeError) as refused:
        normalised_code(written)
    assert "is not an ICD-10-CM code" in str(refused.value)
    assert "a letter, a digit and a letter or digit" in str(refused.value)
    assert "like F33.1" in str(refused.value)


def test_a_repeated_code_is_named_with_both_places():
    assert duplicate_codes(["F33.1", "F41.1"]) is None
    assert duplicate_codes([]) is None
    assert duplicate_codes(["F33.1", "F41.1", "F33.1"]) == (
        "diagnoses[2].code F33.1 repeats diagnoses[0].code: list each diagnosis once."
    )


def test_at_most_twelve_diagnoses_as_a_claim_holds():
    assert MAX_DIAGNOSES == 12


def test_stored_diagnoses_are_kept_as_written_even_where_todays_check_would_refuse():
    kept = diagnoses_of(
        [{"code": "f331"}, {"code": "F99", "description": "Unknown"}, {"code": "F33"}]
    )
    assert kept == [
        {"code": "F33.1", "description": None, "verified": True},
        {"code": "F99", "description": "Unknown", "verified": False},
        {"code": "F33", "description": None, "verified": False},
    ]
    assert diagnoses_of(None) == []


# --- the journey: facts, flag, corrections -----------------------------------------------


def consulted(*diagnoses: dict[str, str]) -> Journey:
    return given_journey(
        steps=[step("ConsultationCompleted", CONSULTED, diagnoses=list(diagnoses))]
    )


def test_a_consultation_without_diagnoses_keeps_none_and_raises_no_flag():
    journey = given_journey(steps=[step("ConsultationCompleted", CONSULTED)])

    assert journey.facts.diagnoses == []
    assert "unverified_code" not in status_of(journey, LATER).flags
    assert status_of(journey, LATER).diagnoses == []


def test_the_consultations_diagnoses_are_kept_in_order_each_marked_verified():
    journey = consulted({"code": "F33.1", "description": "Recurrent, moderate"}, {"code": "F41.1"})

    assert journey.facts.diagnoses == [
        {"code": "F33.1", "description": "Recurrent, moderate", "verified": True},
        {"code": "F41.1", "description": None, "verified": True},
    ]
    status = status_of(journey, LATER)
    assert status.diagnoses == journey.facts.diagnoses
    assert "unverified_code" not in status.flags


def test_a_code_outside_the_table_raises_unverified_code_naming_it():
    journey = consulted({"code": "F33.1"}, {"code": "F31.81"}, {"code": "Z63.79"})

    status = status_of(journey, LATER)

    assert status.flags[-1] == "unverified_code"  # last of FLAG_ORDER
    assert [d.text for d in status.flag_details["unverified_code"]] == [
        "Diagnosis F31.81 is not in the service's ICD-10-CM table: check it.",
        "Diagnosis Z63.79 is not in the service's ICD-10-CM table: check it.",
    ]
    assert {d.at for d in status.flag_details["unverified_code"]} == {CONSULTED}
    assert FLAG_ORDER[-1] == "unverified_code"


def test_a_correction_of_the_consultation_replaces_its_diagnoses():
    journey = consulted({"code": "F33.1"}, {"code": "Z63.79"})
    version = version_of(journey, "ConsultationCompleted")

    correct(journey, version, {"diagnoses": [{"code": "F43.10"}]}, LATER)

    assert journey.facts.diagnoses == [{"code": "F43.10", "description": None, "verified": True}]
    assert "unverified_code" not in status_of(journey, LATER).flags


def test_a_correction_of_other_fields_keeps_the_diagnoses():
    journey = consulted({"code": "Z63.79"})
    version = version_of(journey, "ConsultationCompleted")

    correct(journey, version, {"weight_kg": 72}, LATER)

    assert journey.facts.diagnoses == [{"code": "Z63.79", "description": None, "verified": False}]
    assert "unverified_code" in status_of(journey, LATER).flags


def test_a_correction_to_no_diagnoses_clears_them_and_the_flag():
    journey = consulted({"code": "Z63.79"})
    version = version_of(journey, "ConsultationCompleted")

    correct(journey, version, {"diagnoses": []}, LATER)

    assert journey.facts.diagnoses == []
    assert "unverified_code" not in status_of(journey, LATER).flags


def test_a_later_consultation_brings_its_own_diagnoses():
    journey = consulted({"code": "F33.1"})

    post(journey, step("ConsultationCompleted", LATER, diagnoses=[{"code": "F33.2"}]))

    assert [d["code"] for d in journey.facts.diagnoses] == ["F33.2"]


# --- stored shapes ----------------------------------------------------------------------


def test_a_version_2_snapshots_facts_gain_no_diagnoses():
    state = {"facts": {"clinic_id": "clinic-1"}}
    facts_v2_v3(state)
    assert state["facts"] == {"clinic_id": "clinic-1", "diagnoses": []}


def test_the_consultation_event_and_the_journey_count_the_change():
    assert Journey.class_version == 3
    assert Journey.ConsultationCompleted.class_version == 4
    state = {"data": {"modality": "in_person"}}
    Journey.ConsultationCompleted.upcast_v3_v4(state)
    assert state == {"data": {"modality": "in_person"}}  # optional: an old entry lacks it
