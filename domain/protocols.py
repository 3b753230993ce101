"""The built-in protocol profiles, every published version of each, as data.

New journeys open under a profile's current version; a journey keeps the version it was
opened under (its opening event holds the whole profile), so superseded versions stay
here for tests, documentation and comparison, never for opening new journeys.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from domain.errors import UnknownProtocolError
from domain.protocol_profile import RULE_SETS, ProtocolProfile

__all__ = [
    "BUILT_IN_PROFILES",
    "KAP_STANDARD",
    "KAP_STANDARD_2026",
    "RULE_SETS",
    "SPRAVATO_REMS",
    "SPRAVATO_REMS_2026",
    "ProtocolProfile",
    "profile_named",
]

KAP_STANDARD_2026 = ProtocolProfile(
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

SPRAVATO_REMS_2026 = ProtocolProfile(
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

MEASUREMENT_SCHEDULE: list[dict[str, Any]] = [
    {"instrument": "PHQ-9", "due": "baseline"},
    {"instrument": "PHQ-9", "due": "after_session", "session": 3},
    {"instrument": "PHQ-9", "due": "end_of_series"},
    {"instrument": "PCL-5", "due": "baseline", "concern": "ptsd"},
    {"instrument": "PCL-5", "due": "end_of_series", "concern": "ptsd"},
    {"instrument": "GAD-7", "due": "baseline", "concern": "anxiety"},
    {"instrument": "GAD-7", "due": "end_of_series", "concern": "anxiety"},
]
"""When each scale is due under 2027-1 (measurement-based care, C-13)."""

_DISCHARGE_2027: dict[str, Any] = {
    "rule_set": "2027-1",
    "hold_diastolic_above": 110,
    "discharge_max_systolic": 160,
    "discharge_max_diastolic": 100,
    "discharge_max_heart_rate": 110,
    "discharge_min_spo2": 94,
    "weight_tolerance_pct": 5,
    "max_escalation_pct": 50,
    "maintenance_interval_tolerance_days": 2,
    "max_further_sessions_per_plan": 12,
    "measurement_schedule": MEASUREMENT_SCHEDULE,
}
"""What both profiles gained in 2027-1 alike."""

KAP_STANDARD = replace(
    KAP_STANDARD_2026,
    version="2027-1",
    **_DISCHARGE_2027,
    discharge_resolved_required=["sedation", "dissociation"],
    session_vitals_required="any",
    max_mg_per_kg_oral_sublingual=3.0,
    max_boosters_per_session=1,
    min_infusion_minutes=40,
)

SPRAVATO_REMS = replace(
    SPRAVATO_REMS_2026,
    version="2027-1",
    **_DISCHARGE_2027,
    allowed_doses_mg=[56, 84],
    first_dose_mg=56,
    doses_per_7_days_from_week=[[1, 2], [5, 1], [9, 1]],
    observation_override_allowed=False,
    discharge_resolved_required=["sedation", "dissociation", "respiratory_depression"],
    discharge_spo2_required=True,
    session_vitals_required="monitoring_window",
    monitoring_reading_minutes=[30, 50],
    rems_enrollment_required=True,
    medication_reconciliation_max_age_days=30,
)

BUILT_IN_PROFILES = {profile.name: profile for profile in (KAP_STANDARD, SPRAVATO_REMS)}
"""The current version of each built-in profile: what a new journey opens under."""

SUPERSEDED_PROFILES = (KAP_STANDARD_2026, SPRAVATO_REMS_2026)
"""Earlier versions: journeys opened under them keep them."""


def profile_named(name: str) -> ProtocolProfile:
    try:
        return BUILT_IN_PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(BUILT_IN_PROFILES))
        raise UnknownProtocolError(f"Unknown protocol {name!r}: use one of {known}.") from None
