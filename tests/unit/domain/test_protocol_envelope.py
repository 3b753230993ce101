"""The safety envelope (issue 11): every parameter of every base has a limit, and each
limit accepts its line and refuses one step beyond it, naming the parameter."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from domain.clinic_protocols import derive_clinic_protocol
from domain.errors import ClinicSettingError
from domain.protocol_envelope import ENVELOPES
from domain.protocol_limits import Limit
from domain.protocol_profile import ProtocolProfile
from domain.protocols import BUILT_IN_PROFILES

PARAMETERS = {f.name for f in fields(ProtocolProfile)}
LIMITS = [
    pytest.param(base, parameter, limit, id=f"{base}:{parameter}")
    for base, envelope in ENVELOPES.items()
    for parameter, limit in envelope.items()
]


def _kinds(*kinds: str, integer: bool | None = None) -> list[Any]:
    return [
        p for p in LIMITS if p.values[2].kind in kinds and integer in (None, p.values[2].integer)
    ]


def derive(base: str, **changes: Any) -> ProtocolProfile:
    return derive_clinic_protocol("denver", [], "denver-protocol", base, changes).profile


def refusal(base: str, parameter: str, value: Any) -> str:
    with pytest.raises(ClinicSettingError) as caught:
        derive(base, **{parameter: value})
    assert caught.value.field == parameter
    return caught.value.detail


def base_value(base: str, parameter: str) -> Any:
    return getattr(BUILT_IN_PROFILES[base], parameter)


@pytest.mark.parametrize("base", sorted(ENVELOPES))
def test_every_parameter_has_a_limit_under_every_base(base):
    assert set(ENVELOPES[base]) == PARAMETERS, "a parameter without a limit (or a stale one)"


def test_each_built_in_that_a_clinic_may_derive_from_has_an_envelope():
    assert set(ENVELOPES) == set(BUILT_IN_PROFILES)


@pytest.mark.parametrize(
    ("base", "parameter", "limit"), _kinds("fixed", "range", "subset", "superset", "choice")
)
def test_the_base_value_is_within_its_own_envelope(base, parameter, limit):
    assert getattr(derive(base, **{parameter: base_value(base, parameter)}), parameter) == (
        base_value(base, parameter)
    )


@pytest.mark.parametrize(("base", "parameter", "limit"), _kinds("range"))
def test_a_range_accepts_both_ends_and_refuses_a_step_beyond_each(base, parameter, limit):
    step = 1 if limit.integer else 0.01

    assert getattr(derive(base, **{parameter: limit.low}), parameter) == limit.low
    assert getattr(derive(base, **{parameter: limit.high}), parameter) == limit.high
    for beyond in (limit.low - step, limit.high + step):
        detail = refusal(base, parameter, beyond)
        assert f"between {limit.low:g} and {limit.high:g}" in detail
        assert "is outside it" in detail


@pytest.mark.parametrize(("base", "parameter", "limit"), _kinds("range"))
def test_a_range_refuses_what_is_not_a_number_and_none_unless_allowed(base, parameter, limit):
    for odd in ("60", True, float("inf"), float("nan"), [1]):
        assert "must be a" in refusal(base, parameter, odd)
    if limit.nullable:
        assert getattr(derive(base, **{parameter: None}), parameter) is None
    else:
        refusal(base, parameter, None)


@pytest.mark.parametrize(("base", "parameter", "limit"), _kinds("range", integer=True))
def test_a_whole_number_parameter_refuses_a_fraction(base, parameter, limit):
    assert "a whole number" in refusal(base, parameter, limit.low + 0.5)


def _another(value: Any) -> list[Any]:
    """Values that differ from ``value`` (a fixed parameter refuses each)."""
    if isinstance(value, bool):
        return [not value, 1 if value else 0]
    if value is None:
        return [0, 1.0, "none"]
    if isinstance(value, list):
        return [[], [*value, value[0]] if value else [1]]
    if isinstance(value, int | float):
        return [value + 1, value - 1, None]
    return [f"{value}-2", None]


@pytest.mark.parametrize(("base", "parameter", "limit"), _kinds("fixed"))
def test_a_fixed_parameter_refuses_any_other_value(base, parameter, limit):
    for other in _another(base_value(base, parameter)):
        assert "is fixed at" in refusal(base, parameter, other)


@pytest.mark.parametrize(("base", "parameter", "limit"), _kinds("service"))
def test_what_the_service_sets_is_never_a_change(base, parameter, limit):
    assert "set by the service" in refusal(base, parameter, base_value(base, parameter))


@pytest.mark.parametrize(("base", "parameter", "limit"), _kinds("choice"))
def test_a_choice_accepts_each_choice_and_refuses_another(base, parameter, limit):
    for choice in limit.choices:
        assert getattr(derive(base, **{parameter: choice}), parameter) == choice
    for other in ("lenient", None, 1):
        assert "must be one of" in refusal(base, parameter, other)


@pytest.mark.parametrize(("base", "parameter", "limit"), _kinds("subset"))
def test_a_subset_keeps_some_base_values_never_none_and_never_another(base, parameter, limit):
    values = base_value(base, parameter)
    for kept in (values[:1], values):
        assert getattr(derive(base, **{parameter: kept}), parameter) == kept
    assert "at least one" in refusal(base, parameter, [])
    assert "is not among them" in refusal(base, parameter, [*values[:1], "added"])
    assert "without repeats" in refusal(base, parameter, [values[-1], values[-1]])


@pytest.mark.parametrize(("base", "parameter", "limit"), _kinds("superset"))
def test_a_superset_may_add_and_never_drop(base, parameter, limit):
    every = list(limit.choices)
    assert getattr(derive(base, **{parameter: every}), parameter) == every
    for short in (base_value(base, parameter)[1:], [*every, "hallucination"]):
        assert "must keep" in refusal(base, parameter, short)


def test_spravatos_allowed_doses_keep_the_first_dose():
    assert derive("spravato-rems", allowed_doses_mg=[56]).allowed_doses_mg == [56]
    assert "must include the first dose, 56 mg" in refusal(
        "spravato-rems", "allowed_doses_mg", [84]
    )


def test_every_limit_is_one_of_the_known_kinds():
    kinds = {limit.kind for envelope in ENVELOPES.values() for limit in envelope.values()}
    assert kinds <= {"service", "fixed", "range", "subset", "superset", "choice"}


@pytest.mark.parametrize(
    ("base", "parameter", "line", "beyond"),
    [
        ("kap-standard", "min_observation_minutes", 60, 59),
        ("spravato-rems", "min_observation_minutes", 120, 119),
        ("kap-standard", "max_mg_per_kg_injected", 1.0, 1.01),
        ("kap-standard", "hold_systolic_above", 180, 181),
        ("spravato-rems", "max_doses_per_7_days", 2, 3),
        ("spravato-rems", "rems_form_due_days", 7, 8),
        ("kap-standard", "fasting_food_hours", 2, 1.99),
        ("kap-standard", "fasting_clear_liquid_hours", 0.5, 0.49),
        ("spravato-rems", "fasting_food_hours", 2, 1.99),
    ],
)
def test_the_issues_examples_at_their_lines(base, parameter, line, beyond):
    assert getattr(derive(base, **{parameter: line}), parameter) == line
    refusal(base, parameter, beyond)


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("fasting_rule", "advisory"),
        ("observation_override_allowed", True),
        ("allowed_doses_mg", [28, 56, 84]),
        ("rems_enrollment_required", False),
        ("monitoring_reading_minutes", [30, 60]),
        ("routes_allowed", ["intranasal", "im"]),
        ("escort_required", False),
    ],
)
def test_spravatos_rems_and_label_parameters_cannot_be_loosened(parameter, value):
    refusal("spravato-rems", parameter, value)


def test_limits_describe_their_line_for_the_protocols_page():
    assert Limit("range", 60, 240).describe(60) == "60 to 240"
    assert Limit("range", 1, 30, nullable=True).describe(None) == "1 to 30 or none"
    assert Limit("fixed").describe(True) == "fixed (yes)"
    assert Limit("choice", choices=("strict", "advisory")).describe("strict") == (
        "one of strict, advisory"
    )
