"""HTTP API: routes, wire schemas and problem answers."""
