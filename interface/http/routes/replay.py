"""A journey as it stood at any past moment or version."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/journeys", tags=["audit"])
