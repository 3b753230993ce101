"""The protocol's rules. Each rule (J-xx) and audit check (C-xx) of DOMAIN.md, with where
it is enforced: find "no dose without consent" here in one hop.

``RULES`` names the functions that refuse an event under a rule (``check_*``) or list it
as a blocker of the next dose (``readiness``); ``CHECKS`` names the functions that find
it afterwards in the compliance report. A test keeps both in step with DOMAIN.md and with
the code (each function named exists and cites its rule).
"""

RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "J-01": ("Screening needs a completed consultation", ("domain.rules.pathway.check_screening",)),
    "J-02": (
        "No eligible decision while an absolute contraindication is present",
        (
            "domain.rules.pathway.check_screening_decision",
            "domain.rules.pathway._check_ideation_assessed",
            "domain.rules.readiness._pre_dose_blockers",
        ),
    ),
    "J-03": (
        "Consent needs an eligible screening; preparation needs active consent",
        (
            "domain.rules.pathway.check_consent",
            "domain.rules.pathway.check_consent_withdrawal",
            "domain.rules.pathway.check_preparation",
        ),
    ),
    "J-04": (
        "A dose needs consent, screening, preparation, a baseline and a valid pre-dose check",
        (
            "domain.rules.readiness._pathway_blockers",
            "domain.rules.readiness._pre_dose_blockers",
            "domain.rules.boosters.booster_blockers",
        ),
    ),
    "J-05": ("A dose needs the required staff present", ("domain.rules.dose._check_staff",)),
    "J-06": (
        "Pre-dose vitals beyond the hold refuse the dose; beyond the override level need one",
        ("domain.rules.dose.check_dose", "domain.rules.readiness.vitals_blockers"),
    ),
    "J-07": (
        "Route, dose, doses per 7 days, hours since the last dose and the maintenance "
        "interval within the protocol; mg/kg of the recorded weight per session, escalation, "
        "boosters, infusion minutes and a recent medication reconciliation where it asks",
        (
            "domain.rules.dose._check_route_and_amount",
            "domain.rules.schedule._schedule_blockers",
            "domain.rules.schedule.check_spravato_amount",
            "domain.rules.dose_limits.limit_weight",
            "domain.rules.dose_limits.check_amount",
            "domain.rules.dose_limits.check_escalation",
            "domain.rules.dose_limits.check_infusion",
            "domain.rules.medications.reconciliation_blockers",
            "domain.rules.boosters.check_booster",
        ),
    ),
    "J-08": (
        "One open dosing session at a time, numbered in order",
        (
            "domain.rules.sessions.check_pre_dose_check_opens",
            "domain.rules.sessions.existing_session",
            "domain.rules.dose._check_session",
            "domain.rules.boosters.check_booster",
            "domain.rules.aftercare.check_cancellation",
            "domain.rules.aftercare.check_rems_form",
            "domain.rules.schedule._schedule_blockers",
            "domain.rules.readiness.dose_blockers",
        ),
    ),
    "J-09": (
        "After the series, further doses need a TreatmentPlanUpdated (a prescriber's, after "
        "the series and its end-of-series PHQ-9, where the protocol asks)",
        (
            "domain.rules.sessions.check_pre_dose_check_opens",
            "domain.rules.schedule._schedule_blockers",
            "domain.rules.plans.check_treatment_plan",
            "domain.rules.plans.check_corrected_plan",
        ),
    ),
    "J-10": (
        "Discharge after the minimum observation, alert and oriented, with an escort; "
        "monitored, resolved and within the discharge vitals where the protocol asks",
        (
            "domain.rules.aftercare.check_discharge",
            "domain.rules.discharge._observation_blocker",
            "domain.rules.discharge.discharge_blockers",
            "domain.rules.discharge_record.check_resolved",
            "domain.rules.discharge_record.check_discharge_vitals",
        ),
    ),
    "J-11": (
        "Integration names a discharged session not yet integrated",
        ("domain.rules.aftercare.check_integration",),
    ),
    "J-12": (
        "A safety hold blocks dosing until a prescriber's safety review clears it",
        ("domain.rules.pathway.check_safety_review", "domain.rules.readiness._journey_blockers"),
    ),
    "J-13": (
        "Nothing clinical on a closed journey; no dosing while paused or ineligible",
        (
            "domain.rules.common.check_open",
            "domain.rules.closing.check_close",
            "domain.rules.pathway.check_dosing_allowed",
            "domain.rules.pathway.check_pause",
            "domain.rules.pathway.check_resume",
            "domain.rules.readiness._journey_blockers",
        ),
    ),
    "J-14": (
        "Scale answers have the instrument's item count and range",
        ("domain.scales.score",),
    ),
    "J-15": (
        "Times are plausible: not in the future beyond the skew, not before the journey",
        (
            "domain.rules.common.check_time_plausible",
            "domain.rules.adverse_events.check_adverse_event_times",
        ),
    ),
    "J-16": (
        "Spravato REMS: no dose before enrollment; REMS entries only under a REMS protocol",
        ("domain.rules.rems.check_rems_entry", "domain.rules.rems.enrollment_blockers"),
    ),
    "J-17": (
        "Who may record what: each entry by a role allowed it; staff named on a dose known; "
        "the clinic's staff directory, where it keeps one",
        (
            "domain.rules.roles.check_role",
            "domain.rules.roles._check_override",
            "domain.rules.roles._check_named_staff",
            "domain.rules.roles._check_listed",
            "domain.rules.roles._check_in_directory",
        ),
    ),
    "J-18": (
        "No Spravato dose while the clinic has no REMS healthcare-setting certification",
        ("domain.rules.rems.certification_blockers",),
    ),
}

CHECKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "C-01": (
        "A dose without prior active consent or eligible screening",
        ("domain.compliance.dose_checks._consent", "domain.compliance.dose_checks._screening"),
    ),
    "C-02": (
        "A dose without the required staff present",
        ("domain.compliance.dose_checks._staff",),
    ),
    "C-03": (
        "Pre-dose vitals missing, or beyond the override level without an override",
        (
            "domain.compliance.dose_checks._pre_dose_check",
            "domain.compliance.dose_checks._pre_dose_vitals",
        ),
    ),
    "C-04": (
        "Discharge before the minimum observation, or without an escort",
        (
            "domain.compliance.discharge_checks._observation",
            "domain.compliance.discharge_checks._escort",
        ),
    ),
    "C-05": (
        "Integration not done within its due days",
        ("domain.compliance.deadlines.integration_findings",),
    ),
    "C-06": (
        "No baseline before the first dose, or no end-of-series measure",
        ("domain.compliance.measures._baseline", "domain.compliance.measures._end_of_series"),
    ),
    "C-07": (
        "Spravato monitoring form not submitted within 7 days",
        ("domain.compliance.deadlines.rems_form_findings",),
    ),
    "C-08": (
        "Late documentation: recorded more than 24 h after it occurred",
        ("domain.compliance.record_keeping.late_entry_findings",),
    ),
    "C-09": (
        "Every correction, with its reason",
        ("domain.compliance.record_keeping.correction_findings",),
    ),
    "C-10": (
        "Every override, with who and why",
        ("domain.compliance.record_keeping.override_findings",),
    ),
    "C-11": (
        "A safety flag with no safety review",
        ("domain.compliance.record_keeping.unreviewed_safety_findings",),
    ),
    "C-12": (
        "Spravato REMS: a serious adverse event not reported to the REMS",
        ("domain.compliance.rems_reporting.unreported_serious_event_findings",),
    ),
    "C-13": (
        "A measure the protocol's schedule wants never taken, or taken late",
        (
            "domain.compliance.scheduled_measures._missing_baseline",
            "domain.compliance.scheduled_measures._missing_later",
        ),
    ),
}
