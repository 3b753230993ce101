"""Where dosing sessions stand, and which session a new entry may name (J-08)."""

from __future__ import annotations

from domain.errors import RuleViolationError
from domain.fact_records import SessionFact
from domain.journey_facts import JourneyFacts


def is_finished(facts: JourneyFacts, session: SessionFact) -> bool:
    """Cancelled, or discharged (and integrated where the protocol needs it)."""
    if session["cancellation"] is not None:
        return True
    if session["discharge"] is None:
        return False
    needs_integration = facts.profile.integration_required_before_next_dose
    return session["integration"] is not None or not needs_integration


def session_state(facts: JourneyFacts, session: SessionFact | None) -> str:
    """awaiting_pre_dose_check, checked, dosed, discharged_awaiting_integration, complete."""
    if session is None or session["cancellation"] is not None:
        return "awaiting_pre_dose_check"
    if session["dose"] is None:
        return "checked" if session["pre_dose"] is not None else "awaiting_pre_dose_check"
    if session["discharge"] is None:
        return "dosed"
    if session["integration"] is None and facts.profile.integration_required_before_next_dose:
        return "discharged_awaiting_integration"
    return "complete"


def unfinished_session_blocker(facts: JourneyFacts) -> str | None:
    """Why a new session cannot open yet, if the last one is still unfinished (J-08)."""
    last = facts.last_session()
    if last is None or is_finished(facts, last) or last["dose"] is None:
        return None
    n = last["session"]
    if last["discharge"] is None:
        return f"Session {n} is not discharged yet: record PatientDischarged for session {n}."
    return f"Session {n} is not integrated yet: record IntegrationCompleted for session {n}."


def dosing_target(facts: JourneyFacts) -> int:
    """The session a dose would belong to now: the checked one, else the next."""
    last = facts.last_session()
    if last is None:
        return 1
    if last["cancellation"] is None and last["dose"] is None and last["pre_dose"] is not None:
        return last["session"]
    return last["session"] + 1


def existing_session(facts: JourneyFacts, number: int) -> SessionFact:
    session = facts.session(number)
    if session is None or session["pre_dose"] is None:
        raise RuleViolationError(
            "J-08",
            f"Session {number} has not been opened: record PreDoseCheckCompleted for it first.",
        )
    return session


def check_pre_dose_check_opens(facts: JourneyFacts, number: int) -> None:
    """A pre-dose check opens the next session, or repeats the check of the open one."""
    target = dosing_target(facts)
    current = facts.session(number)
    if number == target and current is not None and current["pre_dose"] is not None:
        return  # a repeated check of the session that is still waiting for its dose
    if number != target:
        raise RuleViolationError(
            "J-08", f"The next dosing session is {target}; a pre-dose check names session {number}."
        )
    blocker = unfinished_session_blocker(facts)
    if blocker:
        raise RuleViolationError("J-08", blocker)
    if len(facts.doses()) >= facts.doses_allowed():
        raise RuleViolationError(
            "J-09",
            f"The {facts.doses_allowed()} planned doses are given: record TreatmentPlanUpdated "
            f"before opening session {number}.",
        )
