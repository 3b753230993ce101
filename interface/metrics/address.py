"""``KAP_METRICS_ADDRESS``: the host and port of the separate metrics listener."""

from __future__ import annotations


def parse_address(text: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:9464`` for IPv6) as a host and a port; ValueError if not."""
    host, colon, port = text.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not colon or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError("must be host:port, like 127.0.0.1:9464 or [::1]:9464")
    return host, int(port)
