"""Diagnoses on the consultation: ICD-10-CM codes, checked by form and against a small table.

``TABLE`` holds the billable codes KAP clinics record (depressive episodes F32, recurrent
depression F33, post-traumatic stress F43.1, other anxiety disorders F41) with their
titles from the ICD-10-CM Tabular List of Diseases and Injuries, FY2025 and FY2026 (CMS
and NCHS, https://www.cms.gov/medicare/coding-billing/icd-10-codes; these codes and
titles are the same in both years). A well-formed code outside the table is kept and
marked unverified (the ``unverified_code`` flag asks staff to check it); a category the
table knows needs more characters (``F33``, ``F33.4``, ``F43.1``) is refused, since no
claim can carry it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

TABLE: dict[str, str] = {
    "F32.0": "Major depressive disorder, single episode, mild",
    "F32.1": "Major depressive disorder, single episode, moderate",
    "F32.2": "Major depressive disorder, single episode, severe without psychotic features",
    "F32.3": "Major depressive disorder, single episode, severe with psychotic features",
    "F32.4": "Major depressive disorder, single episode, in partial remission",
    "F32.5": "Major depressive disorder, single episode, in full remission",
    "F32.81": "Premenstrual dysphoric disorder",
    "F32.89": "Other specified depressive episodes",
    "F32.9": "Major depressive disorder, single episode, unspecified",
    "F32.A": "Depression, unspecified",
    "F33.0": "Major depressive disorder, recurrent, mild",
    "F33.1": "Major depressive disorder, recurrent, moderate",
    "F33.2": "Major depressive disorder, recurrent severe without psychotic features",
    "F33.3": "Major depressive disorder, recurrent, severe with psychotic symptoms",
    "F33.40": "Major depressive disorder, recurrent, in remission, unspecified",
    "F33.41": "Major depressive disorder, recurrent, in partial remission",
    "F33.42": "Major depressive disorder, recurrent, in full remission",
    "F33.8": "Other recurrent depressive disorders",
    "F33.9": "Major depressive disorder, recurrent, unspecified",
    "F43.10": "Post-traumatic stress disorder, unspecified",
    "F43.11": "Post-traumatic stress disorder, acute",
    "F43.12": "Post-traumatic stress disorder, chronic",
    "F41.0": "Panic disorder [episodic paroxysmal anxiety]",
    "F41.1": "Generalized anxiety disorder",
    "F41.3": "Other mixed anxiety disorders",
    "F41.8": "Other specified anxiety disorders",
    "F41.9": "Anxiety disorder, unspecified",
}
"""Billable ICD-10-CM codes and their Tabular List titles."""

MAX_DIAGNOSES = 12
"""As many as a claim form's diagnosis pointers (CMS-1500 box 21, A to L)."""

EXPECTED_FORM = (
    "expected a letter, a digit and a letter or digit, then optionally a dot and 1 to 4 "
    "letters or digits, like F33.1"
)

_FORM = re.compile(r"^([A-Z][0-9][0-9A-Z])\.?([0-9A-Z]{1,4})?$")


class Diagnosis(TypedDict):
    """One diagnosis as the journey keeps it: the code as stored (normalised), the
    description given with it (None if none) and whether the shipped table knows it."""

    code: str
    description: str | None
    verified: bool


class DiagnosisCodeError(ValueError):
    """A code that is not ICD-10-CM, or a category heading that needs more characters.
    The message says what would be accepted."""


def normalised_code(raw: str) -> str:
    """``raw`` as an ICD-10-CM code in upper case with its dot after the third character
    (``f331`` is ``F33.1``); refused if it is not of that form or is a heading the table
    knows needs more characters."""
    found = _FORM.match(raw.strip().upper())
    if found is None or raw.strip().endswith("."):
        raise DiagnosisCodeError(f"{raw!r} is not an ICD-10-CM code: {EXPECTED_FORM}.")
    category, rest = found.groups()
    code = f"{category}.{rest}" if rest else category
    under = subcodes(code)
    if under:
        raise DiagnosisCodeError(
            f"{code} is a category that needs more characters; the codes under it in the "
            f"shipped table are {_listed(under)}."
        )
    return code


def subcodes(code: str) -> list[str]:
    """The table's codes under ``code`` (a heading), in table order; empty for a leaf or
    a code the table knows nothing under."""
    prefix = code if "." in code else f"{code}."
    return [known for known in TABLE if known != code and known.startswith(prefix)]


def is_verified(code: str) -> bool:
    return code in TABLE


def title(code: str) -> str | None:
    """The Tabular List title of a code in the table."""
    return TABLE.get(code)


def duplicate_codes(codes: Sequence[str]) -> str | None:
    """A sentence naming the first code listed twice (as ``diagnoses[i].code``), if any."""
    seen: dict[str, int] = {}
    for index, code in enumerate(codes):
        if code in seen:
            return (
                f"diagnoses[{index}].code {code} repeats diagnoses[{seen[code]}].code: "
                "list each diagnosis once."
            )
        seen[code] = index
    return None


def diagnoses_of(items: Sequence[Mapping[str, Any]] | None) -> list[Diagnosis]:
    """What a stored consultation's ``diagnoses`` hold, as the journey keeps them. Never
    refuses: an entry is stored once, so a code it holds that today's check would refuse
    is kept as it was written, unverified."""
    kept: list[Diagnosis] = []
    for item in items or []:
        raw = str(item.get("code", ""))
        try:
            code = normalised_code(raw)
        except DiagnosisCodeError:
            code = raw
        kept.append(
            Diagnosis(code=code, description=item.get("description"), verified=is_verified(code))
        )
    return kept


def _listed(codes: list[str]) -> str:
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} and {codes[-1]}"
