"""Reading a posted form without another dependency: the dashboard posts only
``application/x-www-form-urlencoded`` bodies of a few short fields."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request

MAX_FORM_BYTES = 8 * 1024


class FormRefusedError(Exception):
    """Not a form this dashboard posts (wrong type, too large or malformed)."""


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields, the first value of each."""
    body = await request.body()
    if not body:
        return {}  # no field at all: the CSRF check refuses it
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise FormRefusedError("Send the form as application/x-www-form-urlencoded.")
    if len(body) > MAX_FORM_BYTES:
        raise FormRefusedError("The form is too large.")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise FormRefusedError("The form could not be read.") from None
    return {name: values[0] for name, values in fields.items()}
