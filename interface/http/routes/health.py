"""Liveness and database reachability: the one endpoint without a token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from interface.http.deps import ServicesDep

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
    return JSONResponse(body, status_code=200 if reachable else 503)
