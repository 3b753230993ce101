"""A journey's hash chain checked."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/journeys", tags=["audit"])
