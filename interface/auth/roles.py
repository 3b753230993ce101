"""The roles a bearer token can carry (see the table in ARCHITECTURE.md)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLINIC_SYSTEM = "clinic_system"
    """A clinic's EHR, scheduling or intake system: posts journey events."""
    STAFF = "staff"
    """Clinic staff: read journeys and the caseload."""
    AUDITOR = "auditor"
    """Compliance auditors: history, replay, verification, reports."""
    ADMIN = "admin"
    """Operators."""
