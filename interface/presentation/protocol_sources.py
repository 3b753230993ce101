"""What each protocol parameter means and where its value comes from, for docs/protocols.md.

A medical director signs the profiles off from that page, so every parameter has a line
here (a test refuses a parameter without one). "Clinic practice" marks a value the
service chose from the seed clinic's process or common KAP practice: those are the ones
to review first.
"""

from __future__ import annotations

LABEL = "Spravato (esketamine) prescribing information"
REMS = "Spravato REMS (patient monitoring form, healthcare-setting requirements)"
PRACTICE = "Clinic practice (seed clinic; review)"
ISSUE = "Issue 10 (protocol 2027-1 clinical review)"

SOURCES: dict[str, tuple[str, str]] = {
    "name": ("The profile's name", "Service"),
    "version": ("The version a journey keeps for life", "Service"),
    "rule_set": ("Which behavioural rules apply (roles, hold tiers, consent)", "Service"),
    "routes_allowed": ("Routes a dose may take", f"{LABEL} (intranasal); {PRACTICE} (KAP)"),
    "override_systolic_above": (
        "Pre-dose SBP above this needs a prescriber's override (J-06)",
        f"{LABEL}: consider risks when BP > 140/90 before dosing",
    ),
    "override_diastolic_above": ("Pre-dose DBP above this needs an override (J-06)", LABEL),
    "hold_systolic_above": ("Pre-dose SBP above this holds the dose, no override", PRACTICE),
    "hold_systolic_below": ("Pre-dose SBP below this holds the dose", PRACTICE),
    "hold_diastolic_above": (
        "Pre-dose DBP above this holds the dose (2027-1)",
        "ACC/AHA: ≥ 180/110 is a hypertensive crisis",
    ),
    "hold_heart_rate_above": ("Pre-dose HR above this holds the dose", PRACTICE),
    "hold_heart_rate_below": ("Pre-dose HR below this holds the dose", PRACTICE),
    "fasting_food_hours": (
        "Hours without food before a dose",
        f"{LABEL}: no food 2 h before; ASA procedural fasting: 6 h (KAP)",
    ),
    "fasting_clear_liquid_hours": (
        "Hours without clear liquids before a dose",
        f"{LABEL}: no liquids 30 min before; ASA: 2 h (KAP)",
    ),
    "fasting_rule": (
        "strict: an unmet fast holds the dose; advisory: it is a note on the next step",
        "Service (issue 11); ACEP 2011 ketamine policy: fasting is not required (KAP only)",
    ),
    "pre_dose_check_valid_minutes": ("How long a pre-dose check stays valid", PRACTICE),
    "min_observation_minutes": (
        "Minutes of observation after the last administration (J-10)",
        f"{REMS}: at least 2 h; {PRACTICE}: 60 min (KAP)",
    ),
    "observation_override_allowed": (
        "Whether a prescriber may discharge before the minimum",
        f"{REMS}: never (2027-1)",
    ),
    "escort_required": (
        "Discharge needs someone to take the patient home",
        f"{LABEL}: no driving until the next day",
    ),
    "max_mg_per_kg_injected": (
        "IM/IV dose limit per kg of recorded weight",
        "IV 0.5 mg/kg over 40 min (Murrough 2013); IM KAP 0.5-1 mg/kg (Dore 2019); "
        "a clinic's ceiling 1 mg/kg (Dore 2019; Fava 2018 for IV)",
    ),
    "max_mg_oral_sublingual": ("Flat cap of an oral or sublingual dose (mg)", PRACTICE),
    "max_mg_per_kg_oral_sublingual": (
        "Oral/sublingual limit per kg of recorded weight (2027-1)",
        "Oral/sublingual studies 0.5-3 mg/kg (Andrade 2019 review); review",
    ),
    "allowed_doses_mg": (
        "The only doses allowed",
        f"{LABEL}: 56 or 84 mg (28 mg is one device)",
    ),
    "first_dose_mg": ("The first induction dose", f"{LABEL}: day 1 is 56 mg"),
    "max_doses_per_7_days": ("Doses in any 7 days", f"{LABEL}: twice weekly in weeks 1-4"),
    "doses_per_7_days_from_week": (
        "Doses per 7 days from a week of treatment on ([week, at most])",
        f"{LABEL}: weeks 1-4 twice weekly, 5-8 weekly, 9 on weekly or every 2 weeks",
    ),
    "min_hours_between_doses": ("Hours between two doses", PRACTICE),
    "series_length": (
        "Doses in the induction series",
        f"{LABEL}: 8 induction doses; {PRACTICE}: 6 (KAP)",
    ),
    "integration_required_before_next_dose": ("Integration before the next dose", PRACTICE),
    "integration_due_days": ("Days after discharge the integration is due (C-05)", PRACTICE),
    "baseline_phq9_max_age_days": ("Age of the baseline PHQ-9 at the first dose", PRACTICE),
    "rems_form_due_days": ("Days after a dose the REMS form is due (C-07)", REMS),
    "required_staff": (
        "Who must be present at a dose (J-05)",
        f"{REMS}: a prescriber on site; {PRACTICE}: a therapist in the room (KAP)",
    ),
    "discharge_resolved_required": (
        "Findings that must have resolved before discharge (J-10)",
        f"{REMS}: monitor until sedation, dissociation and respiratory depression resolve",
    ),
    "discharge_max_systolic": ("Discharge SBP above this needs an override", PRACTICE),
    "discharge_max_diastolic": ("Discharge DBP above this needs an override", PRACTICE),
    "discharge_max_heart_rate": ("Discharge HR above this needs an override", PRACTICE),
    "discharge_min_spo2": ("Discharge SpO₂ below this needs an override", PRACTICE),
    "discharge_spo2_required": (
        "SpO₂ must be measured at discharge",
        f"{REMS}: pulse oximetry on site",
    ),
    "session_vitals_required": (
        "In-session readings discharge needs: none, any, monitoring_window",
        f"{REMS}: BP about 40 min after administration; {PRACTICE}: one reading (KAP)",
    ),
    "monitoring_reading_minutes": ("The window of the in-session reading (min)", REMS),
    "rems_enrollment_required": ("A dose needs the patient's REMS enrollment (J-16)", REMS),
    "medication_reconciliation_max_age_days": (
        "A dose needs a medication reconciliation this recent",
        PRACTICE,
    ),
    "weight_tolerance_pct": (
        "A dose's weight may differ this much from the recorded weight",
        PRACTICE,
    ),
    "max_escalation_pct": ("A dose above the last by more needs an override", PRACTICE),
    "max_boosters_per_session": ("Further administrations in one session", PRACTICE),
    "min_infusion_minutes": ("Minimum IV infusion time", "IV 0.5 mg/kg over 40 min (Zarate 2006)"),
    "maintenance_interval_tolerance_days": (
        "How much earlier than the plan's interval a maintenance dose may come",
        ISSUE,
    ),
    "max_further_sessions_per_plan": ("Sessions one treatment plan may add", ISSUE),
    "measurement_schedule": ("When each scale is due (C-13)", ISSUE),
    "extra": ("Clinic-specific parameters (none built in)", "Service"),
}

REFERENCES: dict[str, str] = {
    "ASA": "American Society of Anesthesiologists, Practice Guidelines for Preoperative "
    "Fasting (2017): clear liquids 2 h, a light meal 6 h, a fatty meal 8 h.",
    "Andrade 2019": "Andrade C. Oral ketamine for depression, 1: pharmacologic "
    "considerations and clinical evidence. J Clin Psychiatry 2019;80(2):19f12820.",
    "Dore 2019": "Dore J, Turnipseed B, Dwyer S, et al. Ketamine Assisted Psychotherapy "
    "(KAP): patient demographics, clinical data and outcomes in three large practices "
    "administering ketamine with psychotherapy. J Psychoactive Drugs 2019;51(2):189-198.",
    "Fava 2018": "Fava M, Freeman MP, Flynn M, et al. Double-blind, placebo-controlled, "
    "dose-ranging trial of intravenous ketamine as adjunctive therapy in treatment-resistant "
    "depression. Mol Psychiatry 2020;25:1592-1603 (online 2018): 0.1 to 1.0 mg/kg.",
    "Green 2011": "Green SM, Roback MG, Kennedy RM, Krauss B. Clinical practice guideline "
    "for emergency department ketamine dissociative sedation: 2011 update. Ann Emerg Med "
    "2011;57(5):449-461 (ACEP): fasting time is no reason to delay ketamine.",
    "Zarate 2006": "Zarate CA Jr, Singh JB, Carlson PJ, et al. A randomized trial of an "
    "N-methyl-D-aspartate antagonist in treatment-resistant major depression. Arch Gen "
    "Psychiatry 2006;63(8):856-864: 0.5 mg/kg IV over 40 min.",
}
"""The published sources the clinic-protocol envelope names (docs/protocols.md)."""
