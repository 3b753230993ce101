"""How the record was kept: late entries (C-08), corrections (C-09), overrides (C-10),
and safety flags left without a review (C-11)."""

from __future__ import annotations

from domain.compliance.evidence import involved, span
from domain.compliance.finding import Finding
from domain.entries import stamp
from domain.fold import LATE_AFTER_HOURS
from domain.journey_facts import JourneyFacts


def late_entry_findings(facts: JourneyFacts) -> list[Finding]:
    return [
        Finding(
            "C-08",
            f"version-{late['version']}",
            (late["version"],),
            f"{late['type']} (version {late['version']}) occurred at {stamp(late['at'])} and "
            f"was recorded by {late['by']} at {stamp(late['recorded_at'])}, "
            f"{span(late['recorded_at'] - late['at'])} later "
            f"(documentation is due within {LATE_AFTER_HOURS} h).",
            at=late["at"],
        )
        for late in facts.late_entries
    ]


def correction_findings(facts: JourneyFacts) -> list[Finding]:
    return [
        Finding(
            "C-09",
            f"version-{c['version']}",
            tuple(sorted({c["corrects_version"], c["version"]})),
            f"Version {c['version']} ({stamp(c['at'])}, by {c['by']}) corrects version "
            f"{c['corrects_version']} ({c['corrects_type']}: {', '.join(c['fields'])}); "
            f"reason given: {c['reason']}",
            at=c["at"],
        )
        for c in facts.corrections
    ]


def override_findings(facts: JourneyFacts) -> list[Finding]:
    return [
        Finding(
            "C-10",
            f"version-{o['version']}",
            involved(facts, as_corrected=(o["version"],)),
            f"Override of the {o['what']} (version {o['version']}, {stamp(o['at'])}) by "
            f"{o['by']}; reason given: {o['reason']}",
            at=o["at"],
        )
        for o in facts.overrides
    ]


def unreviewed_safety_findings(facts: JourneyFacts) -> list[Finding]:
    """A flag counts from the event that raised it (a correction's, if one revealed it);
    any later SafetyReviewCompleted, cleared or not, is a review of it. The finding is
    about the moment the flag was raised: that event's occurred time."""
    corrected_at = {c["version"]: c["at"] for c in facts.corrections}
    found = []
    for trigger in facts.safety_triggers:
        raised_in = trigger["raised_in"]
        if any(review["version"] > raised_in for review in facts.safety_reviews):
            continue
        found.append(
            Finding(
                "C-11",
                f"version-{trigger['version']}",
                tuple(sorted({trigger["version"], raised_in})),
                f"Safety flag raised by version {raised_in} ({trigger['reason']}; entry of "
                f"{stamp(trigger['at'])}, version {trigger['version']}) has no "
                "SafetyReviewCompleted after it.",
                at=corrected_at.get(raised_in, trigger["at"]),
            )
        )
    return found
