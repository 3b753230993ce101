"""Who a request acts as, once its bearer token is recognised."""

from __future__ import annotations

from dataclasses import dataclass

from interface.auth.roles import Role


@dataclass(frozen=True, slots=True)
class Principal:
    token_name: str
    role: Role
    clinic_id: str
    """The only clinic whose journeys this principal may see."""
