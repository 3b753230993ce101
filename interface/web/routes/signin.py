"""Signing in with a token, and out again."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from interface.services import Services
from interface.storage.web_sessions import IDLE, LIFETIME, WebSession
from interface.web import csrf
from interface.web.auth import (
    DASHBOARD_ROLES,
    SESSION_COOKIE,
    current_session,
    local_path,
)
from interface.web.forms import FormRefusedError, read_form
from interface.web.render import WebRoute, error_page, page, see_other

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _sign_in_form(
    request: Request, status: int = 200, message: str = "", next_path: str = "/"
) -> Response:
    token = csrf.new_token()
    notice = ""
    if request.query_params.get("expired"):
        notice = "Your session ended. Sign in again to continue."
    elif request.query_params.get("signed_out"):
        notice = "You are signed out."
    answer = page(
        request,
        "sign_in.html",
        status,
        csrf=token,
        next_path=next_path,
        message=message,
        notice=notice,
        idle_minutes=IDLE.seconds // 60,
        lifetime_hours=LIFETIME.seconds // 3600,
    )
    answer.set_cookie(
        csrf.PRESESSION_COOKIE,
        token,
        max_age=3600,
        path="/sign-in",
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="strict",
    )
    return answer


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    next_path = local_path(request.query_params.get("next"))
    if isinstance(current_session(request), WebSession):
        return see_other(next_path)
    return _sign_in_form(request, next_path=next_path)


def _start_session(services: Services, token: str) -> tuple[str | None, str]:
    """A new session id for a dashboard token, or None and why not."""
    principal = services.tokens.authenticate(token)
    if principal is None:
        return None, "That token is unknown or revoked."
    if principal.role not in DASHBOARD_ROLES:
        return None, f"A {principal.role} token has no dashboard: use a staff or auditor token."
    return services.web_sessions.start(token), ""


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    try:
        form = await read_form(request)
    except FormRefusedError as error:
        return error_page(request, 400, "Form not understood", str(error))
    next_path = local_path(form.get("next"))
    presession = request.cookies.get(csrf.PRESESSION_COOKIE)
    if not csrf.same_origin(request) or not csrf.tokens_match(presession, form.get(csrf.FIELD)):
        return error_page(request, 403, "Form expired", "Reload the sign-in page and try again.")
    services: Services = request.app.state.services
    session_id, refusal = await run_in_threadpool(
        _start_session, services, form.get("token", "").strip()
    )
    if session_id is None:
        return _sign_in_form(request, 401, refusal, next_path)
    answer = see_other(next_path)
    answer.set_cookie(
        SESSION_COOKIE,
        session_id,
        path="/",
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="strict",
    )
    answer.delete_cookie(csrf.PRESESSION_COOKIE, path="/sign-in", httponly=True, samesite="strict")
    return answer


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    try:
        form = await read_form(request)
    except FormRefusedError as error:
        return error_page(request, 400, "Form not understood", str(error))
    found = await run_in_threadpool(current_session, request)
    if isinstance(found, WebSession) and not (
        csrf.same_origin(request) and csrf.tokens_match(found.csrf, form.get(csrf.FIELD))
    ):
        return error_page(request, 403, "Form expired", "Reload the page and sign out again.")
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        services: Services = request.app.state.services
        await run_in_threadpool(services.web_sessions.end, session_id)
    answer = see_other("/sign-in?signed_out=1")
    answer.delete_cookie(SESSION_COOKIE, path="/")
    return answer
