"""Rules every entry meets: plausible times (J-15) and nothing on a closed journey (J-13)."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.entries import Posting
from domain.errors import Blocker, RuleViolationError
from domain.journey_facts import JourneyFacts

CLOCK_SKEW = timedelta(minutes=5)


def check_time_plausible(occurred_at: datetime, recorded_at: datetime, opened_at: datetime) -> None:
    if occurred_at > recorded_at + CLOCK_SKEW:
        raise RuleViolationError(
            "J-15",
            f"occurred_at {occurred_at.isoformat()} is in the future; "
            f"send a time no later than {(recorded_at + CLOCK_SKEW).isoformat()}.",
        )
    if occurred_at < opened_at:
        raise RuleViolationError(
            "J-15",
            f"occurred_at {occurred_at.isoformat()} is before the journey opened "
            f"({opened_at.isoformat()}); send a time on or after it.",
        )


def check_open(facts: JourneyFacts) -> None:
    if facts.closed:
        raise RuleViolationError(
            "J-13", "The journey is closed: nothing clinical is accepted; open a new episode."
        )


def check_posting(facts: JourneyFacts, posting: Posting) -> None:
    check_time_plausible(posting.occurred_at, posting.recorded_at, facts.opened_at)
    check_open(facts)


def refuse_first(blockers: list[Blocker]) -> None:
    """Raise the first blocker as the refusal, naming the others too."""
    if blockers:
        first, *rest = blockers
        raise RuleViolationError(first.rule, first.text, also=tuple(rest))
