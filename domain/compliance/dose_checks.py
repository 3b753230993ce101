"""What had to stand when each dose was given: consent and screening (C-01), the
required staff (C-02), and current pre-dose vitals within limits (C-03)."""

from __future__ import annotations

from datetime import timedelta

from domain.compliance.evidence import STAFF_WORDS, dosed_sessions, involved, span
from domain.compliance.finding import Finding
from domain.entries import stamp
from domain.fact_records import ConsentFact, DoseFact, SessionFact
from domain.journey_facts import JourneyFacts
from domain.rules.dose import valid_override
from domain.rules.readiness import vitals_blockers


def _consent_standing(facts: JourneyFacts, dose: DoseFact) -> ConsentFact | None:
    """The consent entry in force when the dose was given (by occurred times)."""
    before = [c for c in facts.consents if c["at"] <= dose["at"]]
    return max(before, key=lambda c: (c["at"], c["version"]), default=None)


def _consent(facts: JourneyFacts, n: int, dose: DoseFact, part: str = "") -> Finding | None:
    consent = _consent_standing(facts, dose)
    if consent is not None and consent["signed"]:
        return None
    if consent is None:
        why, versions = "no consent had been signed", involved(facts, dose["version"])
    else:
        why = f"consent was withdrawn at {stamp(consent['at'])} (version {consent['version']})"
        versions = involved(facts, consent["version"], dose["version"])
    return Finding(
        "C-01",
        f"session-{n}{part}/consent",
        versions,
        f"Session {n}{_words(part)} was given at {stamp(dose['at'])} (version "
        f"{dose['version']}) without active consent: {why}.",
        at=dose["at"],
    )


def _screening(facts: JourneyFacts, n: int, dose: DoseFact) -> Finding | None:
    """The screening in force at the dose: the latest one that occurred before it."""
    before = [s for s in facts.screenings if s["at"] <= dose["at"]]
    screening = max(before, key=lambda s: (s["at"], s["version"]), default=None)
    dosed = f"Session {n} was dosed at {stamp(dose['at'])} (version {dose['version']})"
    if screening is None:
        later = facts.screening
        if later is None:
            return Finding(
                "C-01",
                f"session-{n}/screening",
                involved(facts, dose["version"]),
                f"{dosed} without a screening on record.",
                at=dose["at"],
            )
        return Finding(
            "C-01",
            f"session-{n}/screening",
            involved(facts, dose["version"], later["version"]),
            f"{dosed} without an eligible screening before it: the screening on record "
            f"(version {later['version']}) occurred after it, at {stamp(later['at'])}.",
            at=dose["at"],
        )
    if screening["decision"] == "eligible":
        return None
    why = f"the screening (version {screening['version']}) decided {screening['decision']}"
    return Finding(
        "C-01",
        f"session-{n}/screening",
        involved(facts, dose["version"], as_corrected=(screening["version"],)),
        f"{dosed} without an eligible screening before it: {why}, at {stamp(screening['at'])}.",
        at=dose["at"],
    )


def _staff(facts: JourneyFacts, n: int, dose: DoseFact, part: str = "") -> Finding | None:
    required = facts.profile.required_staff
    if dose.get(required):
        return None
    what = f"{_words(part).strip()} " if part else "dose "
    return Finding(
        "C-02",
        f"session-{n}{part}",
        involved(facts, as_corrected=(dose["version"],)),
        f"Session {n}'s {what}(version {dose['version']}, {stamp(dose['at'])}) names no "
        f"{required}: {facts.profile.name} requires {STAFF_WORDS.get(required, required)}.",
        at=dose["at"],
    )


def _pre_dose_check(facts: JourneyFacts, session: SessionFact, dose: DoseFact) -> Finding | None:
    n, check = session["session"], session["pre_dose"]
    valid = timedelta(minutes=facts.profile.pre_dose_check_valid_minutes)
    if check is None:
        why, versions = "no pre-dose check is on record", involved(facts, dose["version"])
    else:
        versions = involved(facts, check["version"], dose["version"])
        gap = dose["at"] - check["at"]
        if gap < timedelta(0):
            why = f"the pre-dose check (version {check['version']}) was taken {span(-gap)} after it"
        elif gap > valid:
            why = (
                f"the pre-dose check (version {check['version']}) was taken {span(gap)} before "
                f"it, beyond its validity of {facts.profile.pre_dose_check_valid_minutes} min"
            )
        else:
            return None
    return Finding(
        "C-03",
        f"session-{n}/check",
        versions,
        f"Session {n} was dosed at {stamp(dose['at'])} (version {dose['version']}) without "
        f"current pre-dose vitals: {why}.",
        at=dose["at"],
    )


def _pre_dose_vitals(facts: JourneyFacts, session: SessionFact, dose: DoseFact) -> Finding | None:
    n, check = session["session"], session["pre_dose"]
    if check is None or check["at"] > dose["at"]:
        return None  # no pre-dose vitals to judge: the check finding says so
    blockers = vitals_blockers(facts.profile, check["vitals"], n)
    if not blockers or (blockers[0].overridable and valid_override(dose["override"])):
        return None
    v = check["vitals"]
    reading = f"BP {v['systolic']}/{v['diastolic']}, HR {v['heart_rate']}"
    if blockers[0].overridable:
        why = "above the override level, and the dose carries no valid prescriber override"
    else:
        why = "beyond the hold limits, where no override permits a dose"
    return Finding(
        "C-03",
        f"session-{n}/vitals",
        involved(facts, as_corrected=(check["version"], dose["version"])),
        f"Session {n} was dosed (version {dose['version']}) with pre-dose vitals {reading} "
        f"(version {check['version']}) {why}.",
        at=dose["at"],
    )


def dose_findings(facts: JourneyFacts) -> list[Finding]:
    found: list[Finding | None] = []
    for session, dose in dosed_sessions(facts):
        n = session["session"]
        found += [
            _consent(facts, n, dose),
            _screening(facts, n, dose),
            _staff(facts, n, dose),
            _pre_dose_check(facts, session, dose),
            _pre_dose_vitals(facts, session, dose),
        ]
        for k, booster in enumerate(session["boosters"], start=1):
            # A booster is given under the session's check, but consent and the required
            # staff must stand at its own moment.
            part = f"/booster-{k}"
            found += [_consent(facts, n, booster, part), _staff(facts, n, booster, part)]
    return [f for f in found if f is not None]


def _words(part: str) -> str:
    """ " booster 1" for "/booster-1"; "" for the session's first dose."""
    return " " + part.strip("/").replace("-", " ") if part else "'s dose"
