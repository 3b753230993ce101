"""The CPT and HCPCS codes a KAP clinic's superbill uses, and the time rules that pick them.

Psychotherapy is reported by the minutes spent with the patient (CPT, Psychotherapy
guidelines; CMS, MLN "Psychotherapy codes"): a unit of time is attained when its
midpoint is passed, so 16 to 37 minutes is 90832 (its 30-minute code), 38 to 52 is 90834
(45), 53 or more is 90837 (60); under 16 minutes psychotherapy is not reported. The
add-on codes to an evaluation and management (E/M) visit follow the same bands (90833,
90836, 90838).

An office visit of an established patient is levelled by total time on the date when
time is used (AMA, CPT E/M Office or Other Outpatient Services guidelines, 2021, whose
time "must be met or exceeded" wording of 2024 we follow): 99213 from 20 minutes, 99214
from 30, 99215 from 40. With a psychotherapy add-on, the psychotherapy minutes do not
count toward the visit's time (CPT, same guidelines). A dosing visit is never levelled
under 99213: its medical decision making includes the management of a controlled
substance given in the office, which is at least low (the 2021 MDM table puts
prescription drug management at moderate risk); time only raises the level. Prolonged
service codes (99417, G2212) are not billed.

Spravato: CMS's HCPCS G2082 (up to 56 mg of esketamine, with 2 hours of observation)
and G2083 (more than 56 mg), both including the visit's E/M, so no E/M or psychotherapy
add-on is billed with them (90833 is an add-on to E/M codes only). An intramuscular
injection is 96372, one unit per injection.
"""

from __future__ import annotations

import re

CODES: dict[str, str] = {
    "90792": "Psychiatric diagnostic evaluation with medical services",
    "90832": "Psychotherapy, 30 minutes (16-37 min)",
    "90834": "Psychotherapy, 45 minutes (38-52 min)",
    "90837": "Psychotherapy, 60 minutes (53 min or more)",
    "90833": "Psychotherapy add-on with E/M, 30 minutes (16-37 min)",
    "90836": "Psychotherapy add-on with E/M, 45 minutes (38-52 min)",
    "90838": "Psychotherapy add-on with E/M, 60 minutes (53 min or more)",
    "99213": "Office visit, established patient, low MDM or 20 min or more",
    "99214": "Office visit, established patient, moderate MDM or 30 min or more",
    "99215": "Office visit, established patient, high MDM or 40 min or more",
    "96372": "Therapeutic injection, intramuscular",
    "G2082": "Esketamine nasal self-administration, up to 56 mg, with observation",
    "G2083": "Esketamine nasal self-administration, more than 56 mg, with observation",
}
"""Every code the superbill can bill, with the description it prints."""

CODE_FORM = re.compile(r"\d{5}|\d{4}[FTU]|[A-V]\d{4}")
"""A CPT Category I code (five digits), a Category II, III or PLA code (four digits and
F, T or U), or a HCPCS Level II code (a letter A to V and four digits)."""

TELEHEALTH_MODIFIER = "95"
"""Synchronous telemedicine service rendered via real-time audio and video (CPT)."""

MIN_PSYCHOTHERAPY_MINUTES = 16
"""Under this, psychotherapy is not reported (less than half of 30 minutes)."""

_PSYCHOTHERAPY = ((53, "90837"), (38, "90834"), (16, "90832"))
_ADD_ON = ((53, "90838"), (38, "90836"), (16, "90833"))
_VISIT = ((40, "99215"), (30, "99214"))
VISIT_FLOOR = "99213"

ESKETAMINE_LOWER_BAND_MG = 56.0
"""G2082 covers up to and including this total dose; above it, G2083."""


def _banded(minutes: int, bands: tuple[tuple[int, str], ...]) -> str | None:
    return next((code for least, code in bands if minutes >= least), None)


def psychotherapy_code(minutes: int) -> str | None:
    """90832, 90834 or 90837 by minutes; None under 16."""
    return _banded(minutes, _PSYCHOTHERAPY)


def psychotherapy_add_on_code(minutes: int) -> str | None:
    """90833, 90836 or 90838 by minutes; None under 16."""
    return _banded(minutes, _ADD_ON)


def visit_code(minutes: int) -> str:
    """99213 (the floor), 99214 from 30 minutes, 99215 from 40."""
    return _banded(minutes, _VISIT) or VISIT_FLOOR


def esketamine_code(total_mg: float) -> str:
    """G2082 up to 56 mg, G2083 above."""
    return "G2082" if total_mg <= ESKETAMINE_LOWER_BAND_MG else "G2083"
