"""The staff and auditor dashboard: server-rendered pages under ``/``, served by the API's
own app. ``install_web(app)`` adds its routes and its static files (``/static``)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from interface.web.render import STATIC
from interface.web.routes import audit, caseload, journey, rems_form, reports, signin


def install_web(app: FastAPI) -> None:
    for module in (signin, caseload, journey, rems_form, audit, reports):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
