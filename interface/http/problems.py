"""The one place that turns errors into RFC 9457 problem answers.

Every error a client can cause gets a 4xx naming what is wrong; a database that does
not answer is a 503; anything else is a 500 that reveals nothing (and is logged
without request data, which may hold patient information).
"""

from __future__ import annotations

import logging
from typing import Any

from eventsourcing import persistence
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from application.audit.verify import WrongCipherKeyError
from application.clinics import ClinicConflictError, ClinicNotRegisteredError
from application.errors import (
    EntryNotFoundError,
    IdempotencyKeyReusedError,
    JourneyAlreadyOpenError,
    JourneyConflictError,
    JourneyDamagedError,
    JourneyNotFoundError,
    VersionMismatchError,
)
from application.rems_form import RemsFormNotFoundError
from domain.errors import (
    ClinicSettingError,
    CorrectionRefusedError,
    RuleViolationError,
    UnknownProtocolError,
)
from interface.audit.signing import BadSigningKeyError, MissingSigningKeyError
from interface.http.allow import allowed_methods
from interface.http.errors import MalformedIfMatchError
from interface.readmodels.caseload import InvalidCursorError, ReadModelNotReadyError
from interface.storage.keys import MissingCipherKeyError
from interface.storage.unavailable import UNAVAILABLE, is_deadline_ended

log = logging.getLogger("kap.http")

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Not allowed for this role",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Request not understood",
    500: "Internal error",
    503: "Database unavailable",
}


def problem(
    status: int, code: str, detail: str, title: str | None = None, **more: Any
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{code.replace('_', '-')}",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update({k: v for k, v in more.items() if v is not None})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in error.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request", "type": ""}
    if first["type"] == "json_invalid":
        return problem(422, "invalid_json", "The body is not valid JSON.", errors=errors)
    where = ".".join(str(part) for part in first["loc"] if part != "body") or "body"
    return problem(422, "invalid_request", f"{where}: {first['msg']}", errors=errors)


def _rule(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RuleViolationError)
    blockers = [{"rule": b.rule, "text": b.text} for b in error.also] or None
    return problem(
        409,
        "protocol_violation",
        error.detail,
        "Protocol rule refused the event",
        rule=error.rule,
        blockers=blockers,
    )


def _clinic_setting(_: Request, error: Exception) -> JSONResponse:
    """A clinic setting or protocol parameter refused: the detail names it and the line."""
    assert isinstance(error, ClinicSettingError)
    return problem(422, "clinic_setting_invalid", str(error), "Clinic setting refused")


def _unknown_protocol(_: Request, error: Exception) -> JSONResponse:
    """A journey opened under a name that is neither built in nor one the clinic published
    (the wire's protocol is a slug since clinics publish their own: issue 11)."""
    return problem(422, "invalid_request", f"protocol: {error} Or one the clinic published.")


def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 400:  # FastAPI's answer to a body its JSON parser gave up on
        return problem(422, "invalid_json", "The body is not JSON this service can read.")
    codes = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(error.status_code, "http_error")
    answer = problem(error.status_code, code, str(error.detail))
    if error.status_code == 405:
        answer.headers["Allow"] = allowed_methods(request)
    return answer


def _simple(status: int, code: str) -> Any:
    def handler(_: Request, error: Exception) -> JSONResponse:
        return problem(status, code, str(error))

    return handler


def _read_model_building(_: Request, error: Exception) -> JSONResponse:
    answer = problem(503, "read_model_building", str(error), "Read model being built")
    answer.headers["Retry-After"] = "5"
    return answer


def _no_signing_key(_: Request, error: Exception) -> JSONResponse:
    """Whatever needs a signed checkpoint, without a usable KAP_SIGNING_KEY (named)."""
    return problem(503, "signing_key_unavailable", str(error), "Signing key unavailable")


def _unavailable(_: Request, error: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", unavailable_reason(error))
    return problem(503, "database_unavailable", "The database is not answering; retry shortly.")


def unavailable_reason(error: BaseException) -> str:
    """The error's kinds down its chain of causes, with PostgreSQL's SQLSTATE where it
    gave one (``55P03`` a lock wait, ``57014`` a cancelled statement): enough to tell a
    lock from a stall from an outage, and no message text, which may quote data."""
    kinds: list[str] = []
    seen: BaseException | None = error
    while seen is not None and len(kinds) < 4:
        sqlstate = getattr(seen, "sqlstate", None)
        kinds.append(type(seen).__name__ + (f" [{sqlstate}]" if sqlstate else ""))
        seen = seen.__cause__ or seen.__context__
    return " <- ".join(kinds)


def _store_internal(request: Request, error: Exception) -> JSONResponse:
    """The event store's InternalError: unavailable when a deadline ended the session (a
    transaction idle past its limit while the machine was overloaded), else unexpected."""
    if is_deadline_ended(error):
        return _unavailable(request, error)
    return _unexpected(request, error)


def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.url.path)
    return problem(500, "internal_error", "Something went wrong on our side; nothing was stored.")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(RuleViolationError, _rule)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(JourneyNotFoundError, _simple(404, "journey_not_found"))
    app.add_exception_handler(RemsFormNotFoundError, _simple(404, "rems_form_not_found"))
    app.add_exception_handler(EntryNotFoundError, _simple(422, "entry_not_found"))
    app.add_exception_handler(VersionMismatchError, _simple(412, "version_mismatch"))
    app.add_exception_handler(MalformedIfMatchError, _simple(412, "invalid_if_match"))
    app.add_exception_handler(JourneyAlreadyOpenError, _simple(409, "journey_exists"))
    app.add_exception_handler(IdempotencyKeyReusedError, _simple(422, "idempotency_key_reused"))
    app.add_exception_handler(CorrectionRefusedError, _simple(409, "correction_refused"))
    app.add_exception_handler(ClinicSettingError, _clinic_setting)
    app.add_exception_handler(ClinicNotRegisteredError, _simple(404, "clinic_not_registered"))
    app.add_exception_handler(ClinicConflictError, _simple(409, "write_conflict"))
    app.add_exception_handler(UnknownProtocolError, _unknown_protocol)
    app.add_exception_handler(JourneyConflictError, _simple(409, "write_conflict"))
    # 409: the request is sound but conflicts with the journey's stored state (altered).
    app.add_exception_handler(JourneyDamagedError, _simple(409, "journey_damaged"))
    app.add_exception_handler(MissingCipherKeyError, _simple(503, "not_configured"))
    app.add_exception_handler(WrongCipherKeyError, _simple(503, "not_configured"))
    app.add_exception_handler(MissingSigningKeyError, _no_signing_key)
    app.add_exception_handler(BadSigningKeyError, _no_signing_key)
    app.add_exception_handler(ReadModelNotReadyError, _read_model_building)
    app.add_exception_handler(InvalidCursorError, _simple(422, "invalid_cursor"))
    app.add_exception_handler(persistence.InternalError, _store_internal)
    for error_class in UNAVAILABLE:
        app.add_exception_handler(error_class, _unavailable)
    app.add_exception_handler(Exception, _unexpected)
