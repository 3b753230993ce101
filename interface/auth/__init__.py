"""Bearer-token authentication: roles, the authenticated principal, and token storage."""

from interface.auth.principal import Principal
from interface.auth.roles import Role

__all__ = ["Principal", "Role"]
