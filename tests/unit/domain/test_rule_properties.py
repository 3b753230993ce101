"""Properties over random clinic stories, in valid and invalid orders, under both
profiles of 2027-1 (and, for the first property, 2026-11-01 too).

1. A refused command leaves the journey exactly as it was.
2. The status's blockers are the dose rule: when they are empty (and the journey is
   open) a well-formed dose now is accepted; otherwise the dose is refused with one of
   the blockers' rules.
3. No dose is ever stored that a blocker forbade at that moment (an overridable one
   only with a prescriber's override), and the status never raises.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.errors import CorrectionRefusedError, RuleViolationError
from domain.journey import Journey
from domain.protocols import KAP_STANDARD, SPRAVATO_REMS, ProtocolProfile
from domain.rules.sessions import dosing_target
from tests.story import START, Step, phq9, step
from tests.unit.domain.conftest import (
    assert_unchanged,
    correct,
    discharge,
    dose,
    intake_for,
    integration,
    open_journey,
    post,
    pre_dose_check,
    snapshot,
    status_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
Action = Callable[[Journey, ProtocolProfile, datetime], Step]


def _last(journey: Journey) -> int:
    last = journey.facts.last_session()
    return last["session"] if last else 1


def _target(journey: Journey) -> int:
    return dosing_target(journey.facts)


def _next_intake(journey: Journey, profile: ProtocolProfile, at: datetime) -> Step:
    facts = journey.facts
    done = [
        facts.consultation is not None,
        facts.baseline("PHQ-9") is not None,
        facts.eligible,
        facts.consent_active,
        facts.preparation is not None,
    ]
    if profile.rems_enrollment_required:
        done += [facts.enrollment is not None, facts.medications() is not None]
    steps = intake_for(profile)
    template = steps[done.index(False) if False in done else len(done) - 1]
    return Step(template.type, at, template.data, template.role)


def _check(**changes) -> Action:
    def action(journey, profile, at):
        # The dose would come 20 min after a check taken ``at``.
        return pre_dose_check(_target(journey), at + 20 * MIN, checked_at=at, **changes)

    return action


def _review(role: str) -> Action:
    def action(journey, profile, at):
        return Step("SafetyReviewCompleted", at, {"cleared": True, "plan": "Reviewed."}, role)

    return action


def _future(journey, profile, at):
    return step("ConsultationCompleted", at + HOUR)  # posted with recorded_at = at below


ACTIONS: dict[str, Action] = {
    "intake_next": _next_intake,
    "consult": lambda j, p, at: step("ConsultationCompleted", at),
    "baseline": lambda j, p, at: phq9([2, 2, 2, 2, 2, 2, 2, 2, 0], at),
    "self_harm_phq9": lambda j, p, at: phq9([1] * 9, at, "pre_dose"),
    "cssrs_plan": lambda j, p, at: step(
        "OutcomeMeasureRecorded", at, instrument="C-SSRS", items=[0, 0, 0, 0, 1, 0]
    ),
    "bad_scale": lambda j, p, at: phq9([1] * 8, at),
    "eligible": lambda j, p, at: step("ScreeningCompleted", at),
    "ineligible": lambda j, p, at: step("ScreeningCompleted", at, decision="ineligible"),
    "consent": lambda j, p, at: step("ConsentSigned", at),
    "withdraw": lambda j, p, at: step("ConsentWithdrawn", at),
    "prepare": lambda j, p, at: step("PreparationCompleted", at),
    "check": _check(),
    "check_high_bp": _check(vitals={"systolic": 150, "diastolic": 95, "heart_rate": 80}),
    "check_hold": _check(vitals={"systolic": 190, "diastolic": 95, "heart_rate": 80}),
    "check_alcohol": _check(alcohol_or_drugs_last_24h=True),
    "check_just_ate": _check(food_before=timedelta(hours=1)),
    "check_next_session": lambda j, p, at: pre_dose_check(_target(j) + 1, at + 20 * MIN),
    "dose": lambda j, p, at: dose(p, _target(j), at),
    "dose_no_staff": lambda j, p, at: dose(
        p, _target(j), at, therapist_present=None, prescriber_on_site=None
    ),
    "dose_override": lambda j, p, at: dose(
        p,
        _target(j),
        at,
        override={"by": {"id": "dr-lee", "role": "prescriber"}, "reason": "Rechecked."},
    ),
    "dose_wrong_session": lambda j, p, at: dose(p, _last(j) + 2, at),
    "discharge": lambda j, p, at: discharge(_last(j), at),
    "vitals": lambda j, p, at: step("VitalsRecorded", at, session=_last(j)),
    "booster": lambda j, p, at: dose(p, _last(j), at, booster=True, dose_mg=10),
    "enroll": lambda j, p, at: step("RemsPatientEnrolled", at, enrolled_at=at.isoformat()),
    "reconcile": lambda j, p, at: step("MedicationsReconciled", at),
    "benzodiazepine": lambda j, p, at: step(
        "MedicationsReconciled",
        at,
        medications=[{"name": "clonazepam", "class": "benzodiazepine", "dose": "0.5 mg"}],
    ),
    "cssrs_method": lambda j, p, at: step(
        "OutcomeMeasureRecorded", at, instrument="C-SSRS", items=[1, 1, 1, 0, 0, 0]
    ),
    "cssrs_negative": lambda j, p, at: step(
        "OutcomeMeasureRecorded", at, instrument="C-SSRS", items=[1, 0, 0, 0, 0, 0]
    ),
    "end_of_series": lambda j, p, at: phq9([1] * 8 + [0], at, "end_of_series"),
    "review_with_plan": lambda j, p, at: Step(
        "SafetyReviewCompleted",
        at,
        {"cleared": True, "plan": "Reviewed.", "safety_plan": True, "interactions_reviewed": True},
        "prescriber",
    ),
    "severe_ae": lambda j, p, at: step("AdverseEventReported", at, severity="severe"),
    "early_discharge_override": lambda j, p, at: discharge(
        _last(j),
        at,
        override={"by": {"id": "prescriber-1", "role": "prescriber"}, "reason": "Well."},
    ),
    "integrate": lambda j, p, at: integration(_last(j), at),
    "cancel": lambda j, p, at: step("DosingSessionCancelled", at, session=_last(j)),
    "rems_form": lambda j, p, at: step("RemsMonitoringFormSubmitted", at, session=_last(j)),
    "serious_ae": lambda j, p, at: step(
        "AdverseEventReported", at, severity="serious", session=None
    ),
    "review": _review("prescriber"),
    "review_by_therapist": _review("therapist"),
    "plan": lambda j, p, at: step("TreatmentPlanUpdated", at, further_sessions=2),
    "pause": lambda j, p, at: step("JourneyPaused", at),
    "resume": lambda j, p, at: step("JourneyResumed", at),
    "close": lambda j, p, at: step("JourneyClosed", at),
    "from_the_future": _future,
    "before_opening": lambda j, p, at: step("ConsultationCompleted", START - HOUR),
}
# Corrections of the baseline PHQ-9: new answers (raising a hold), or its session (refused).
CORRECTIONS = ["correct_baseline", "correct_session"]
# A whole session in one draw: each part is posted (and checked) at its own time.
MACROS: dict[str, list[tuple[str, timedelta]]] = {
    "session": [
        ("check", timedelta()),
        ("dose", 20 * MIN),
        ("vitals", 40 * MIN),
        ("discharge", 90 * MIN),
        ("integrate", HOUR),
        ("rems_form", MIN),
    ],
    "check_then_dose": [("check", timedelta()), ("dose", 20 * MIN)],
}
# The steps of a good story are drawn more often, so stories get deep into the series;
# every other action (out of order, malformed, disruptive) still turns up now and then.
GOOD_STORY = [
    "intake_next",
    "session",
    "check_then_dose",
    "review",
    "review_with_plan",
    "cssrs_negative",
    "end_of_series",
    "resume",
]
WEIGHTED = [*ACTIONS, *CORRECTIONS, *MACROS, *GOOD_STORY * 6]
ADVANCES = [MIN, 20 * MIN, 45 * MIN, 2 * HOUR, 26 * HOUR, 50 * HOUR, 97 * HOUR, 8 * 24 * HOUR]

stories = st.tuples(
    st.sampled_from([KAP_STANDARD, SPRAVATO_REMS]),
    st.sampled_from([0, 1, 2, 3, 4, *[7] * 5]),  # how much of the intake is done first
    st.lists(
        st.tuples(st.sampled_from(WEIGHTED), st.sampled_from(ADVANCES)), min_size=5, max_size=40
    ),
)


def _act(journey: Journey, profile: ProtocolProfile, name: str, at: datetime) -> None:
    """Perform one action; refusals propagate."""
    if name in CORRECTIONS:
        baseline = journey.facts.baseline("PHQ-9")
        if baseline is not None:
            changes = {"items": [1] * 9} if name == "correct_baseline" else {"session": 3}
            correct(journey, baseline["version"], changes, at)
        return
    recorded_at = at if name == "from_the_future" else None
    post(journey, ACTIONS[name](journey, profile, at), recorded_at=recorded_at)


def _check_refusal_changes_nothing(journey, profile, name, at) -> None:
    before = snapshot(journey)
    blockers = status_of(journey, at).blockers  # the status never raises
    doses_before = len(journey.facts.doses())
    try:
        _act(journey, profile, name, at)
    except (RuleViolationError, CorrectionRefusedError):
        assert_unchanged(journey, before)
        event(f"refused: {name}")
    else:
        assert journey.version in (before[0], before[0] + 1)
        if len(journey.facts.doses()) > doses_before:
            _assert_no_blocker_forbade_it(journey, blockers)


def _assert_no_blocker_forbade_it(journey: Journey, blockers) -> None:
    """A stored dose met every blocker of its moment, or overrode an overridable one."""
    event("a dose was stored")
    overridden = journey.facts.doses()[-1]["override"] is not None
    assert all(b.overridable and overridden for b in blockers), blockers


def _check_blockers_are_the_dose_rule(journey, profile, at) -> None:
    if journey.facts.closed:
        return
    blockers = status_of(journey, at).blockers
    trial = copy.deepcopy(journey)
    well_formed = dose(profile, dosing_target(journey.facts), at)
    if not blockers:
        event("a dose could be given now")
        post(trial, well_formed)  # must not raise
        assert len(trial.facts.doses()) == len(journey.facts.doses()) + 1
        return
    with pytest.raises(RuleViolationError) as refusal:
        post(trial, well_formed)
    assert refusal.value.rule in {b.rule for b in blockers}, (refusal.value, blockers)


def tell(story, after_each: Callable[[Journey, ProtocolProfile, datetime], None]) -> None:
    """Post the story's intake prefix, then each drawn action (a macro part by part)."""
    profile, prefix, actions = story
    journey = open_journey(profile)
    for s in intake_for(profile)[:prefix]:
        post(journey, s)
    clock = START + timedelta(days=5)
    after_each(journey, profile, clock)
    for name, advance in actions:
        clock += advance
        for part, offset in MACROS.get(name, [(name, timedelta())]):
            clock += offset
            _check_refusal_changes_nothing(journey, profile, part, clock)
            after_each(journey, profile, clock)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stories)
def test_a_refused_command_never_changes_the_journey(story):
    tell(story, lambda journey, profile, at: None)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stories)
def test_no_blockers_means_a_dose_now_is_accepted_and_any_blocker_refuses_it(story):
    tell(story, _check_blockers_are_the_dose_rule)
