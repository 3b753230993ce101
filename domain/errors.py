"""Errors the domain raises when a journey refuses a command."""

from __future__ import annotations


class DomainError(Exception):
    """Base class of everything the domain refuses."""


class RuleViolation(DomainError):  # noqa: N818 - the domain's own word for a refusal
    """A protocol rule (J-xx in DOMAIN.md) refuses the command; nothing is recorded.

    ``detail`` says what is wrong and what would satisfy the rule.
    """

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.detail = detail
