"""One strict reading of every JSON body, before FastAPI parses it.

Python's parser takes the last of two equal keys (``"type"`` twice once stored a dose
under the wrong type) and guesses UTF-16 or UTF-32 from the bytes. Here a JSON body must
be UTF-8 (a Content-Type naming another charset is a 415), each object names a key once
at any depth, and no string or key holds a control character other than tab and line
breaks (the wire types refuse those too where a field is not free text). A body that
passes is handed on byte for byte.
"""

from __future__ import annotations

import email.message
import json
import re
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interface.http.problems import problem
from interface.http.wire_text import refused_character, why_refused

UTF_8 = {"utf-8", "utf8"}
SHOWN_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class _Object(list[tuple[str, Any]]):
    """A JSON object as its key/value pairs in order, duplicates kept, to be checked."""


def _is_json(content_type: str) -> email.message.Message | None:
    """The parsed Content-Type if it is one FastAPI reads as JSON (as it decides)."""
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    if message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    ):
        return message
    return None


class JsonBodyGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"]) if scope["type"] == "http" else {}
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        parsed = _is_json(content_type) if content_type else None
        if parsed is None:
            await self.app(scope, receive, send)
            return
        charset = parsed.get_param("charset")
        if isinstance(charset, str) and charset.strip().lower() not in UTF_8:
            refusal: Response = problem(
                415, "unsupported_charset", "Send JSON as UTF-8: charset=utf-8, or no charset."
            )
            await refusal(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left, or the size limit has answered 413
            body += message.get("body", b"")
            more = message.get("more_body", False)
        found = refusal_of(body) if body else None
        if found is not None:
            await found(scope, receive, send)
            return
        await self.app(scope, _replaying(body, receive), send)


def _replaying(body: bytes, receive: Receive) -> Receive:
    handed = False

    async def replay() -> Message:
        nonlocal handed
        if handed:
            return await receive()
        handed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def refusal_of(body: bytes) -> Response | None:
    """The problem answer for a body that is not strict UTF-8 JSON; None if it is."""
    try:
        value = json.loads(body.decode("utf-8-sig"), object_pairs_hook=_Object)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested past the stack
        return problem(422, "invalid_json", "The body is not UTF-8 JSON this service can read.")
    return _first_problem(value)


def _name(key: str) -> str:
    return key if SHOWN_KEY.match(key) else "(a key)"


def _first_problem(value: Any) -> Response | None:
    pending: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while pending:  # not recursive: JSON may nest as deep as its parser allows
        item, path = pending.pop()
        where = ".".join(path) or "body"
        if isinstance(item, str):
            found = refused_character(item, free_text=True)
            if found is not None:
                return _invalid(where, why_refused(found), path)
        elif isinstance(item, _Object):
            seen: set[str] = set()
            for key, child in item:
                found = refused_character(key)
                if found is not None:
                    return _invalid(where, f"a key {why_refused(found)}", path)
                if key in seen:
                    return problem(
                        422,
                        "duplicate_key",
                        f'{where}: the key "{_name(key)}" appears twice; send each key once.',
                    )
                seen.add(key)
                pending.append((child, (*path, _name(key))))
        elif isinstance(item, list):
            pending.extend((child, (*path, str(i))) for i, child in enumerate(item))
    return None


def _invalid(where: str, why: str, path: tuple[str, ...]) -> Response:
    return problem(
        422,
        "invalid_request",
        f"{where}: {why}",
        errors=[{"loc": ["body", *path], "msg": why, "type": "value_error"}],
    )
