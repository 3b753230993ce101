"""The hard safety envelope no clinic protocol can leave (issue 11), per built-in base.

Every parameter of ``ProtocolProfile`` has a limit under each base; a test refuses a
parameter without one. The lines: a clinic may always tighten; it may loosen only where a
published source allows more than the built-in value (IM/IV up to 1 mg/kg; a shorter
fast for KAP, or an advisory one), and never a Spravato REMS or label requirement.
docs/protocols.md tables this envelope with its sources.
"""

from __future__ import annotations

from typing import Any

from domain.protocol_limits import Limit

LABEL = "Spravato label"
REMS = "Spravato REMS"
BUILT_IN = "the built-in value; tighter only"


def _range(low: float, high: float, why: str = BUILT_IN, **more: Any) -> Limit:
    return Limit("range", low, high, why=why, **more)


def _decimal(low: float, high: float, why: str = BUILT_IN, **more: Any) -> Limit:
    return Limit("range", low, high, integer=False, why=why, **more)


def _fixed(why: str) -> Limit:
    return Limit("fixed", why=why)


SERVICE = Limit("service")

COMMON: dict[str, Limit] = {
    "name": SERVICE,
    "version": SERVICE,
    "extra": SERVICE,
    "rule_set": _fixed("the base's behavioural rules"),
    "override_systolic_above": _range(120, 140, f"{LABEL}: 140/90; below 120 is normal BP"),
    "override_diastolic_above": _range(80, 90, f"{LABEL}: 140/90; below 80 is normal BP"),
    "hold_systolic_above": _range(150, 180, "ACC/AHA crisis 180; above the override level"),
    "hold_systolic_below": _range(90, 110, "hypotension below 90; under the override level"),
    "hold_diastolic_above": _range(100, 110, "ACC/AHA: 110; above the override level"),
    "hold_heart_rate_above": _range(100, 150),
    "hold_heart_rate_below": _range(50, 60),
    "pre_dose_check_valid_minutes": _range(15, 60),
    "escort_required": _fixed("ketamine and Spravato labels: no driving until the next day"),
    "baseline_phq9_max_age_days": _range(7, 30),
    "required_staff": _fixed("who is present is the base's (J-05)"),
    "discharge_resolved_required": Limit(
        "superset",
        choices=("sedation", "dissociation", "respiratory_depression"),
        why="findings can be added, never dropped",
    ),
    "discharge_max_systolic": _range(140, 160),
    "discharge_max_diastolic": _range(90, 100),
    "discharge_max_heart_rate": _range(100, 110),
    "discharge_min_spo2": _range(94, 98),
    "monitoring_reading_minutes": _fixed(f"{REMS}: BP about 40 min after administration"),
    "rems_enrollment_required": _fixed(f"{REMS}: enrollment only on the REMS protocol (J-16)"),
    "weight_tolerance_pct": _decimal(1, 5),
    "max_escalation_pct": _decimal(10, 50),
    "doses_per_7_days_from_week": _fixed(f"{LABEL}: the induction and maintenance schedule"),
    "first_dose_mg": _fixed(f"{LABEL}: day 1 is 56 mg"),
    "maintenance_interval_tolerance_days": _decimal(0, 2),
    "max_further_sessions_per_plan": _range(1, 12),
    "measurement_schedule": _fixed("measurement-based care (C-13) is the service's"),
}

KAP_ENVELOPE: dict[str, Limit] = {
    **COMMON,
    "routes_allowed": Limit("subset", why="routes can be dropped, never added"),
    "fasting_food_hours": _decimal(
        2, 8, "Green 2011: ketamine is not delayed for fasting; ASA: 8 h after a heavy meal"
    ),
    "fasting_clear_liquid_hours": _decimal(0.5, 4, "ASA: 2 h; the Spravato label's 30 min"),
    "fasting_rule": Limit(
        "choice", choices=("strict", "advisory"), why="Green 2011: fasting is not required"
    ),
    "min_observation_minutes": _range(60, 240, "never under 60 min"),
    "observation_override_allowed": Limit("choice", choices=(True, False)),
    "max_mg_per_kg_injected": _decimal(
        0.1, 1.0, "IM KAP 0.5-1 mg/kg, Dore 2019; IV at most 1 mg/kg, Fava 2018"
    ),
    "max_mg_oral_sublingual": _decimal(25, 400),
    "max_mg_per_kg_oral_sublingual": _decimal(0.5, 3.0, "oral 0.5-3 mg/kg, Andrade 2019"),
    "allowed_doses_mg": _fixed("KAP doses are limited per kg"),
    "max_doses_per_7_days": _range(1, 3),
    "min_hours_between_doses": _decimal(24, 168),
    "series_length": _range(1, 6),
    "integration_required_before_next_dose": _fixed("integration is KAP's therapy"),
    "integration_due_days": _range(1, 7),
    "rems_form_due_days": _fixed("no REMS form outside Spravato"),
    "discharge_spo2_required": Limit("choice", choices=(False, True)),
    "session_vitals_required": _fixed("one in-session reading"),
    "medication_reconciliation_max_age_days": _range(1, 30, nullable=True),
    "max_boosters_per_session": _range(0, 1),
    "min_infusion_minutes": _range(40, 120, "IV over 40 min at least, Zarate 2006"),
}

SPRAVATO_ENVELOPE: dict[str, Limit] = {
    **COMMON,
    "routes_allowed": _fixed(f"{LABEL}: intranasal"),
    "fasting_food_hours": _decimal(2, 8, f"{LABEL}: no food for 2 h"),
    "fasting_clear_liquid_hours": _decimal(0.5, 4, f"{LABEL}: no liquids for 30 min"),
    "fasting_rule": _fixed(f"{LABEL}: the fast is a requirement"),
    "min_observation_minutes": _range(120, 240, f"{REMS}: at least 2 h"),
    "observation_override_allowed": _fixed(f"{REMS}: monitored for at least 2 h"),
    "max_mg_per_kg_injected": _fixed(f"{LABEL}: intranasal only"),
    "max_mg_oral_sublingual": _fixed(f"{LABEL}: intranasal only"),
    "max_mg_per_kg_oral_sublingual": _fixed(f"{LABEL}: intranasal only"),
    "allowed_doses_mg": Limit("subset", why=f"{LABEL}: 56 or 84 mg"),
    "max_doses_per_7_days": _range(1, 2, f"{LABEL}: twice weekly at most"),
    "min_hours_between_doses": _decimal(48, 168),
    "series_length": _range(1, 8, f"{LABEL}: 8 induction doses"),
    "integration_required_before_next_dose": _fixed("no integration duty under Spravato"),
    "integration_due_days": _fixed("no integration duty under Spravato"),
    "rems_form_due_days": _range(1, 7, f"{REMS}: the form within 7 days"),
    "discharge_spo2_required": _fixed(f"{REMS}: pulse oximetry"),
    "session_vitals_required": _fixed(f"{REMS}: the monitoring window"),
    "medication_reconciliation_max_age_days": _range(1, 30),
    "max_boosters_per_session": _fixed(f"{LABEL}: one dose a session"),
    "min_infusion_minutes": _fixed(f"{LABEL}: intranasal only"),
}

ENVELOPES: dict[str, dict[str, Limit]] = {
    "kap-standard": KAP_ENVELOPE,
    "spravato-rems": SPRAVATO_ENVELOPE,
}
"""The envelope of each built-in a clinic protocol may derive from."""
