"""Liveness and database reachability: the one endpoint without a token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from interface.http.deps import ServicesDep
from interface.http.problems import UNAVAILABLE
from interface.services import Services

router = APIRouter(tags=["health"])


@router.get("/health")
def health(services: ServicesDep) -> JSONResponse:
    """Is the service up, and does its database answer?"""
    reachable = services.database_reachable()
    body: dict[str, Any] = {
        "status": "ok" if reachable else "degraded",
        "database": "reachable" if reachable else "unreachable",
        "store": "postgresql" if services.settings.is_postgres else "sqlite",
    }
    if reachable:
        body.update(_projections(services))
    return JSONResponse(body, status_code=200 if reachable else 503)


def _projections(services: Services) -> dict[str, Any]:
    """Each read model's position in the log and how far it lags behind the store."""
    try:
        store = services.journeys.recorder.max_notification_id() or 0
        positions = services.projection_positions()
    except UNAVAILABLE:
        return {}
    return {
        "store_position": store,
        "projections": {
            name: {"position": position, "lag": None if position is None else store - position}
            for name, position in positions.items()
        },
    }
