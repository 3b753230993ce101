"""Prometheus metrics for operators (docs/metrics.md lists each metric).

Read with an admin token here; with ``KAP_METRICS_ADDRESS`` set, also without a token on
that separate address (``interface.metrics.listen``), and still here for admins, so a
scraper that holds a token works either way.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.http.deps import ServicesDep, allow
from interface.http.schemas import Problem
from interface.metrics.pools import sample_pool_use
from interface.metrics.scrape import CONTENT_TYPE, exposition, scrape_registry

router = APIRouter(tags=["operations"])

Admin = Annotated[Principal, Depends(allow(Role.ADMIN))]

EXAMPLE = (
    "# HELP kap_appends_total Events sent to journeys, by outcome ...\n"
    "# TYPE kap_appends_total counter\n"
    'kap_appends_total{outcome="refused",rule="J-06",via="single"} 1.0\n'
)


@router.get(
    "/metrics",
    operation_id="getMetrics",
    response_class=Response,
    responses={
        200: {
            "description": "Every metric in the Prometheus text format (version 0.0.4).",
            "content": {CONTENT_TYPE: {"schema": {"type": "string"}, "example": EXAMPLE}},
        },
        401: {"model": Problem, "description": "No token, or an unknown or revoked one."},
        403: {"model": Problem, "description": "The token's role is not admin."},
    },
)
def get_metrics(_: Admin, services: ServicesDep) -> Response:
    """Requests, appends, read model lag, checkpoint age and pool use, for Prometheus."""
    sample_pool_use(services)
    return Response(exposition(scrape_registry(services)), media_type=CONTENT_TYPE)
