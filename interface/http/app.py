"""The app factory: everything is built from one Settings object; nothing at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI

from application.journeys import utc_now
from interface.audit.periodic import PeriodicCheckpoints, start_periodic_checkpoints
from interface.audit.signing import BadSigningKeyError, MissingSigningKeyError
from interface.http.deadlines import RequestDeadlines
from interface.http.docs import install_docs
from interface.http.head import HeadAsGet
from interface.http.json_body import JsonBodyGuard
from interface.http.limits import BodySizeLimit
from interface.http.problems import install_problem_handlers
from interface.http.query_guard import QueryGuard
from interface.http.request_log import RequestLog
from interface.http.routes import (
    audit_access_log,
    audit_checkpoints,
    audit_compliance,
    audit_export,
    batch,
    caseload,
    clinic_protocols,
    clinics,
    events,
    fhir,
    health,
    journeys,
    metrics,
    rems_form,
    replay,
    superbill,
    verify,
    webhooks,
)
from interface.http.security_headers import SecurityHeaders
from interface.http.unexpected import UnexpectedErrors
from interface.metrics.pools import sample_pool_use
from interface.metrics.requests import RequestMetrics
from interface.services import Services
from interface.settings import Settings
from interface.storage.leader import CHECKPOINTS
from interface.storage.unavailable import UNAVAILABLE
from interface.web import install_web

log = logging.getLogger("kap.http")


def _start_checkpoints(services: Services) -> PeriodicCheckpoints | None:
    """Sign a checkpoint every few minutes when there are new events (if configured), in
    whichever process holds the checkpoint lock."""
    every = services.settings.checkpoint_every_seconds
    if every <= 0:
        return None
    try:
        # Not at start: the first comes after one interval (a restart signs nothing twice).
        return start_periodic_checkpoints(
            services.checkpoints,
            every,
            immediately=False,
            leadership=services.leadership(CHECKPOINTS),  # one process at a time
        )
    except (MissingSigningKeyError, BadSigningKeyError) as error:
        log.warning("no periodic checkpoints: %s", error)
    except UNAVAILABLE:
        log.warning("database unavailable at start: no periodic checkpoints")
    return None


def create_app(
    settings: Settings | None = None, clock: Callable[[], datetime] = utc_now
) -> FastAPI:
    """The app; without arguments, from the environment (``serve --workers``: each worker
    process calls it as uvicorn's factory, ``interface.http.app:create_app``)."""
    settings = settings or Settings()
    services = Services(settings, clock=clock)

    lifespans = 0
    """Lifespans of this app running now: a harness may start a second beside the first
    (schemathesis does); the background work starts with the first and ends with the
    last, so neither an early close nor a second projector can happen."""
    stop_checkpoints: PeriodicCheckpoints | None = None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        nonlocal lifespans, stop_checkpoints
        lifespans += 1
        if lifespans == 1:
            if settings.run_projections:
                try:
                    services.start_projections()
                except UNAVAILABLE:
                    log.warning("database unavailable at start: projections not running")
            stop_checkpoints = _start_checkpoints(services)
            if settings.run_webhooks:
                services.start_webhooks()
        try:
            yield
        finally:
            lifespans -= 1
            if lifespans == 0:
                if stop_checkpoints is not None:
                    stop_checkpoints.set()
                services.close()

    app = FastAPI(
        title="KAP Journeys",
        version="1",
        summary="Event-sourced care journeys for Ketamine-Assisted Psychotherapy clinics.",
        lifespan=lifespan,
        docs_url=None,  # served by install_docs, from the package and under the CSP
        redoc_url=None,
    )
    app.state.services = services
    install_problem_handlers(app)
    for module in (
        health,
        caseload,
        batch,  # before journeys and events: its path is not a journey id
        journeys,
        rems_form,
        superbill,
        events,
        replay,
        verify,
        audit_checkpoints,
        audit_compliance,
        audit_access_log,
        audit_export,
        clinics,
        clinic_protocols,
        webhooks,
        fhir,
        metrics,
    ):
        app.include_router(module.router)
    install_web(app)  # the dashboard's pages under / and its files under /static
    install_docs(app)

    # Middleware added later wraps what was added before: the guards run inside the
    # security headers (their refusals get them) and inside the body size limit.
    app.add_middleware(UnexpectedErrors)  # innermost: an unknown error stops inside the app
    app.add_middleware(JsonBodyGuard)
    app.add_middleware(QueryGuard)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        per_path={batch.PATH: settings.max_batch_body_bytes},
    )
    app.add_middleware(RequestDeadlines)  # a stalled database: 503 in seconds, not a hang
    app.add_middleware(HeadAsGet)
    app.add_middleware(RequestMetrics, after_each=lambda: sample_pool_use(services))
    app.add_middleware(RequestLog)  # outermost: sees HEAD as sent, and every answer
    return app
