"""Signed checkpoints of the whole log (RFC 6962 Merkle tree) and their public key."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/audit", tags=["audit"])
