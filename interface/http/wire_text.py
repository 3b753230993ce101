"""What text from a client may hold.

Control characters (U+0000-U+001F and U+007F) are refused everywhere: PostgreSQL cannot
store a NUL in text (one stored in an event once stopped the read models of every clinic),
and the others corrupt logs, CSV exports and terminals. Free text may keep tab, line feed
and carriage return. Lone surrogates (``"\\ud800"`` in JSON) cannot be encoded as UTF-8,
so no database can store them either.
"""

from __future__ import annotations

import re

_ANYWHERE = r"\x00-\x1f\x7f\ud800-\udfff"
_IN_FREE_TEXT = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff"

_REFUSED = re.compile(f"[{_ANYWHERE}]")
_REFUSED_IN_FREE_TEXT = re.compile(f"[{_IN_FREE_TEXT}]")


def refused_character(value: str, *, free_text: bool = False) -> str | None:
    """The first character ``value`` may not hold, or None if it may be stored."""
    found = (_REFUSED_IN_FREE_TEXT if free_text else _REFUSED).search(value)
    return None if found is None else found.group()


def why_refused(character: str) -> str:
    """Names the character by its code point: never echoes the client's text."""
    code = f"U+{ord(character):04X}"
    if "\ud800" <= character <= "\udfff":
        return f"holds {code}, a lone surrogate, which is not text"
    return f"holds {code}, a control character (none of U+0000-U+001F or U+007F)"


def check_identifier(value: str) -> str:
    """For a pydantic validator: an identifier holds no control character at all."""
    found = refused_character(value)
    if found is not None:
        raise ValueError(why_refused(found))
    return value


def check_free_text(value: str) -> str:
    """For a pydantic validator: free text may hold tab and line breaks, no other control."""
    found = refused_character(value, free_text=True)
    if found is not None:
        raise ValueError(why_refused(found))
    return value
