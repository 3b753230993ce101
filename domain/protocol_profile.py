"""The protocol profile: every parameter a journey's rules read, as one frozen record.

A journey copies its profile into its opening event, so a replay years later applies
the rules that were in force then. Parameters added after a version was published carry
a *legacy default* here: the value that reproduces the earlier rules exactly, so a
journey opened under 2026-11-01 (whose stored profile lacks them) keeps its rules.
``docs/protocols.md`` tables every parameter of every built-in version with its source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

RULE_SETS = ("2026-11-01", "2027-1")
"""The rule sets in the order they were published: behaviour that is a rule rather than
a number (who may record what, hold tiers, consent wording) is switched on by rule set."""


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

    # Added with 2027-1; each default is the 2026-11-01 behaviour.
    rule_set: str = "2026-11-01"
    hold_diastolic_above: int | None = None
    observation_override_allowed: bool = True
    discharge_resolved_required: list[str] = field(default_factory=list)
    """Of sedation, dissociation, respiratory_depression: each must be resolved."""
    discharge_max_systolic: int | None = None
    discharge_max_diastolic: int | None = None
    discharge_max_heart_rate: int | None = None
    discharge_min_spo2: int | None = None
    discharge_spo2_required: bool = False
    session_vitals_required: str = "none"
    """none; any (a VitalsRecorded during the session); monitoring_window (one taken
    ``monitoring_reading_minutes`` after the dose)."""
    monitoring_reading_minutes: list[int] | None = None
    """[from, until] minutes after administration for the in-session reading."""
    rems_enrollment_required: bool = False
    medication_reconciliation_max_age_days: int | None = None
    weight_tolerance_pct: float | None = None
    max_mg_per_kg_oral_sublingual: float | None = None
    max_escalation_pct: float | None = None
    max_boosters_per_session: int = 0
    min_infusion_minutes: int | None = None
    first_dose_mg: float | None = None
    doses_per_7_days_from_week: list[list[int]] | None = None
    """[[from week, at most N per 7 days], ...] counted from the first dose."""
    maintenance_interval_tolerance_days: float | None = None
    max_further_sessions_per_plan: int | None = None
    measurement_schedule: list[dict[str, Any]] = field(default_factory=list)
    """When each scale is due: {instrument, due: baseline | after_session |
    end_of_series, session?, concern?} (a ``concern`` limits it to journeys presenting it)."""

    # Added with issue 11 (clinic protocols); the default is every earlier version's rule.
    fasting_rule: str = "strict"
    """strict: a pre-dose fast not met holds the dose (J-04); advisory: it is a note on
    the next step ("avoid heavy meals") and the dose may be given."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ProtocolProfile:
        """A stored profile; parameters it predates take their legacy defaults."""
        return cls(**values)

    def enforces(self, rule_set: str) -> bool:
        """True when this profile's rule set is ``rule_set`` or a later one."""
        return RULE_SETS.index(self.rule_set) >= RULE_SETS.index(rule_set)

    @property
    def has_rems(self) -> bool:
        """The profile runs under the Spravato REMS (monitoring forms are due)."""
        return self.rems_form_due_days is not None
