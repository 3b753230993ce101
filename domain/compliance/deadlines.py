"""Duties that fall due with time: integration (C-05) and the REMS form (C-07).

A duty not yet done gives a finding whose ``due_at`` is its deadline, so it stands only
once the deadline has passed; a duty done late keeps the deadline and says how late;
a duty done on time gives nothing.
"""

from __future__ import annotations

from datetime import datetime

from domain.compliance.evidence import dosed_sessions, involved, span
from domain.compliance.finding import Finding
from domain.entries import stamp
from domain.fact_records import Fact
from domain.journey_facts import JourneyFacts


def duty_finding(
    facts: JourneyFacts,
    rule: str,
    occurrence: str,
    *,
    duty: str,
    after: Fact,
    due_at: datetime,
    done: Fact | None,
) -> Finding | None:
    """``duty`` (a noun phrase) was due by ``due_at``, counted from the entry ``after``.

    The finding is about ``due_at``, the moment the duty was breached, whether it was
    then done late or is still not done."""
    if done is None:
        return Finding(
            rule,
            occurrence,
            involved(facts, after["version"]),
            f"{duty} is not on record; it was due by {stamp(due_at)} "
            f"(counted from version {after['version']}).",
            at=due_at,
            due_at=due_at,
        )
    if done["at"] <= due_at:
        return None
    return Finding(
        rule,
        occurrence,
        involved(facts, after["version"], done["version"]),
        f"{duty} was done at {stamp(done['at'])} (version {done['version']}), "
        f"{span(done['at'] - due_at)} late: it was due by {stamp(due_at)}.",
        at=due_at,
        due_at=due_at,
    )


def integration_findings(facts: JourneyFacts) -> list[Finding]:
    """C-05: each discharged session integrated within ``integration_due_days``."""
    days = facts.profile.integration_due_days
    if days is None:
        return []
    found = []
    for session, _dose in dosed_sessions(facts):
        discharge, n = session["discharge"], session["session"]
        due_at = facts.due_at("integration", session)
        if discharge is None or due_at is None:
            continue  # integration follows discharge; it is not due yet
        finding = duty_finding(
            facts,
            "C-05",
            f"session-{n}",
            duty=f"The integration session for session {n} (within {days} days of discharge)",
            after=discharge,
            due_at=due_at,
            done=session["integration"],
        )
        if finding:
            found.append(finding)
    return found


def rems_form_findings(facts: JourneyFacts) -> list[Finding]:
    """C-07: each dose's REMS monitoring form, where the protocol has one."""
    days = facts.profile.rems_form_due_days
    if days is None:
        return []
    found = []
    for session, dose in dosed_sessions(facts):
        n = session["session"]
        due_at = facts.due_at("rems_form", session)
        if due_at is None:
            continue  # no dose on record: nothing is due (dosed_sessions has one)
        finding = duty_finding(
            facts,
            "C-07",
            f"session-{n}",
            duty=f"The REMS monitoring form for session {n} (within {days} days of the dose)",
            after=dose,
            due_at=due_at,
            done=session["rems_form"],
        )
        if finding:
            found.append(finding)
    return found
