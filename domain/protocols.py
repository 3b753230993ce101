"""Protocol profiles: the clinic settings a journey's rules read, versioned as data.

A journey copies its profile's parameters into its opening event, so a replay years
later applies the rules that were in force then, not today's defaults.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from domain.errors import UnknownProtocolError


@dataclass(frozen=True)
class ProtocolProfile:
    """One named, versioned set of parameters (DOMAIN.md, "Protocols are data")."""

    name: str
    version: str
    routes_allowed: list[str]
    override_systolic_above: int
    override_diastolic_above: int
    hold_systolic_above: int
    hold_systolic_below: int
    hold_heart_rate_above: int
    hold_heart_rate_below: int
    fasting_food_hours: float
    fasting_clear_liquid_hours: float
    pre_dose_check_valid_minutes: int
    min_observation_minutes: int
    escort_required: bool
    max_mg_per_kg_injected: float | None
    max_mg_oral_sublingual: float | None
    allowed_doses_mg: list[float] | None
    max_doses_per_7_days: int
    min_hours_between_doses: float
    series_length: int
    integration_required_before_next_dose: bool
    integration_due_days: int | None
    baseline_phq9_max_age_days: int
    rems_form_due_days: int | None
    required_staff: str  # "therapist_present" or "prescriber_on_site"
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ProtocolProfile:
        return cls(**values)


KAP_STANDARD = ProtocolProfile(
    name="kap-standard",
    version="2026-11-01",
    routes_allowed=["im", "iv", "sublingual", "oral"],
    override_systolic_above=140,
    override_diastolic_above=90,
    hold_systolic_above=180,
    hold_systolic_below=90,
    hold_heart_rate_above=150,
    hold_heart_rate_below=50,
    fasting_food_hours=6,
    fasting_clear_liquid_hours=2,
    pre_dose_check_valid_minutes=60,
    min_observation_minutes=60,
    escort_required=True,
    max_mg_per_kg_injected=0.75,
    max_mg_oral_sublingual=400,
    allowed_doses_mg=None,
    max_doses_per_7_days=3,
    min_hours_between_doses=24,
    series_length=6,
    integration_required_before_next_dose=True,
    integration_due_days=7,
    baseline_phq9_max_age_days=30,
    rems_form_due_days=None,
    required_staff="therapist_present",
)

SPRAVATO_REMS = ProtocolProfile(
    name="spravato-rems",
    version="2026-11-01",
    routes_allowed=["intranasal"],
    override_systolic_above=140,
    override_diastolic_above=90,
    hold_systolic_above=180,
    hold_systolic_below=90,
    hold_heart_rate_above=150,
    hold_heart_rate_below=50,
    fasting_food_hours=2,
    fasting_clear_liquid_hours=0.5,
    pre_dose_check_valid_minutes=60,
    min_observation_minutes=120,
    escort_required=True,
    max_mg_per_kg_injected=None,
    max_mg_oral_sublingual=None,
    allowed_doses_mg=[28, 56, 84],
    max_doses_per_7_days=2,
    min_hours_between_doses=48,
    series_length=8,
    integration_required_before_next_dose=False,
    integration_due_days=None,
    baseline_phq9_max_age_days=30,
    rems_form_due_days=7,
    required_staff="prescriber_on_site",
)

BUILT_IN_PROFILES = {profile.name: profile for profile in (KAP_STANDARD, SPRAVATO_REMS)}


def profile_named(name: str) -> ProtocolProfile:
    try:
        return BUILT_IN_PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(BUILT_IN_PROFILES))
        raise UnknownProtocolError(f"Unknown protocol {name!r}: use one of {known}.") from None
