"""Bearer-token authentication: roles, the authenticated principal, and what a token is
(stored in ``interface.storage.tokens``)."""

from interface.auth.principal import Principal
from interface.auth.roles import Role

__all__ = ["Principal", "Role"]
