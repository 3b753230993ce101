"""Errors the domain raises when a journey refuses a command."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base class of everything the domain refuses."""


class RuleViolationError(DomainError):
    """A protocol rule (J-xx in DOMAIN.md) refuses the command; nothing is recorded.

    ``detail`` says what is wrong and what would satisfy the rule.
    """

    def __init__(self, rule: str, detail: str, *, also: tuple[Blocker, ...] = ()) -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.detail = detail
        self.also = also
        """Every other reason the same command would be refused."""


@dataclass(frozen=True)
class Blocker:
    """One reason a dose would be refused now: the rule and what would satisfy it."""

    rule: str
    text: str
    overridable: bool = False
    """True where a prescriber's override with a reason lifts it (J-06 override level)."""


class CorrectionRefusedError(DomainError):
    """An EntryCorrected names an entry that cannot be corrected that way."""


class UnknownProtocolError(DomainError):
    """No protocol profile has that name."""


class EntryOutOfPlaceError(DomainError):
    """A stored entry does not fit where the fold meets it (an opening after the first
    version, an entry before any opening, content that is not its type's): the stored
    journey was altered and cannot be folded. Names only the version and type stored."""

    def __init__(self, version: int, type_name: str) -> None:
        super().__init__(f"Version {version} ({type_name}) does not fold where it is stored.")
        self.version = version
        self.type_name = type_name


class ClinicSettingError(DomainError):
    """A clinic setting that is not acceptable; ``field`` names it (``billing_npi``,
    ``staff.nurse-kim.npi``) and ``detail`` says what would be."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail
