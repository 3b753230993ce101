"""The OpenAPI document says what the service really answers, so a client generated from
it (or a conformance checker) meets no answer it was not told of.

FastAPI files every declared error model under ``application/json``, but every refusal
is an RFC 9457 problem sent as ``application/problem+json`` (``interface.http.problems``).
And some answers come from the middleware around every route, which no route declares: a
token refused (401, 403), a query or body refused before a route sees it (422, 413, 415),
a database that does not answer (503). Both are put right here, once, for every route,
including ones added later; and an integer's bounds are written as integers.
"""

from __future__ import annotations

from typing import Any

from interface.http.problems import PROBLEM_JSON

PROBLEM = {"$ref": "#/components/schemas/Problem"}
FASTAPI_422 = {"$ref": "#/components/schemas/HTTPValidationError"}
"""FastAPI's own 422 shape, which this service never sends: its 422 is a problem."""

BODY_ANSWERS: dict[str, str] = {
    "413": "body_too_large: the body is over the size limit (KAP_MAX_BODY_BYTES).",
    "415": "unsupported_charset: a JSON body in another charset than UTF-8.",
}
TOKEN_ANSWERS: dict[str, str] = {
    "401": "unauthenticated: no bearer token, or one unknown or revoked.",
    "403": "forbidden: the token's role may not do this.",
}
EVERY_ANSWER: dict[str, str] = {
    "422": "invalid_request or invalid_json: the detail names the parameter or field and "
    "what it must be (a query value with a control character is refused on every route).",
    "503": "database_unavailable (retry shortly), read_model_building (Retry-After), or "
    "not_configured: a key the service needs is not set.",
}
HEADERS: dict[str, dict[str, Any]] = {
    "401": {
        "WWW-Authenticate": {
            "description": "Bearer: send a token in the Authorization header.",
            "schema": {"type": "string"},
        }
    },
    "503": {
        "Retry-After": {
            "description": "Seconds to wait, when a read model is being built.",
            "schema": {"type": "string"},
        }
    },
}


def _as_problem(status: str, answer: dict[str, Any]) -> None:
    """An error answer declared with the Problem model is sent as problem+json."""
    content = answer.get("content", {})
    declared = content.get("application/json", {}).get("schema")
    if declared in (PROBLEM, FASTAPI_422) or (not content and status != "default"):
        answer["content"] = {PROBLEM_JSON: {"schema": PROBLEM}}


def _add(responses: dict[str, Any], answers: dict[str, str]) -> None:
    for status, description in answers.items():
        responses.setdefault(
            status, {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM}}}
        )


def _whole_bounds(document: dict[str, Any]) -> None:
    """An integer's bounds written as integers (FastAPI writes ``minimum: 1.0``)."""
    pending: list[Any] = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if item.get("type") == "integer":
                for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                    bound = item.get(key)
                    if isinstance(bound, float) and bound.is_integer():
                        item[key] = int(bound)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def declare_answers(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every error answer as problem+json and the middleware's answers
    declared on each operation (changed in place, and returned)."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            if operation.get("security"):
                _add(responses, TOKEN_ANSWERS)
            if "requestBody" in operation:
                _add(responses, BODY_ANSWERS)
            _add(responses, EVERY_ANSWER)
            for status, answer in responses.items():
                if status[0] in "45":
                    _as_problem(status, answer)
                    for name, header in HEADERS.get(status, {}).items():
                        answer.setdefault("headers", {}).setdefault(name, header)
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    _whole_bounds(document)
    return document
