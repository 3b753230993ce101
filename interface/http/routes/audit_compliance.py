"""The compliance report: rules C-01 to C-11 over the clinic's journeys."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/audit", tags=["audit"])
