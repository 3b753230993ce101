"""Liveness and database reachability: the one endpoint without a token.

``status`` is ``ok``, or ``degraded`` when the database does not answer (503), or when
it answers but the read models are not all well (200): this process's projections are
not running (not set up yet, or their last round failed), or some journeys could not be
projected (``dead_letters`` counts them; ``kap-journeys project --failures`` lists them).
``projecting`` says whether this process is the one that projects: with several workers
(or ``serve`` processes) on PostgreSQL, one holds the projector's lock and the others
stand by, reporting each read model's position and lag but not ``running``.
A degraded read model still answers 200: the API serves every journey, and a load
balancer taking every instance out for one journey's row would stop every clinic.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from interface.http.deps import ServicesDep
from interface.http.schemas.service import HealthPublic
from interface.services import Services
from interface.storage.unavailable import UNAVAILABLE

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    operation_id="getHealth",
    responses={
        200: {"model": HealthPublic},
        503: {"model": HealthPublic, "description": "The database does not answer."},
    },
)
def health(services: ServicesDep) -> JSONResponse:
    """Is the service up, does its database answer, and are the read models current?"""
    reachable = services.database_reachable()
    body: dict[str, Any] = {
        "status": "ok" if reachable else "degraded",
        "database": "reachable" if reachable else "unreachable",
        "store": "postgresql" if services.settings.is_postgres else "sqlite",
    }
    if reachable:
        projecting = services.projecting()
        if projecting is not None:
            body["projecting"] = projecting
        projections = _projections(services)
        body.update(projections)
        if not _read_models_well(projections):
            body["status"] = "degraded"
    return JSONResponse(body, status_code=200 if reachable else 503)


def _projections(services: Services) -> dict[str, Any]:
    """Each read model's position in the log and how far it lags behind the store;
    whether this process runs it; how many journeys it skipped."""
    running = services.projections_running()
    try:
        store = services.journeys.log_position()
        positions = services.projection_positions()
        dead_letters = services.projection_dead_letters()
    except UNAVAILABLE:
        return {} if running is None else {"projections_running": False}
    found: dict[str, Any] = {
        "store_position": store,
        "projections": {
            name: _projection(position, store, running) for name, position in positions.items()
        },
        "dead_letters": dead_letters,
    }
    return found


def _projection(position: int | None, store: int, running: bool | None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "position": position,
        "lag": None if position is None else store - position,
    }
    if running is not None:  # only a process that runs projections knows
        found["running"] = running
    return found


def _read_models_well(projections: dict[str, Any]) -> bool:
    if projections.get("projections_running") is False or projections.get("dead_letters"):
        return False
    return all(p.get("running", True) for p in projections.get("projections", {}).values())
