"""``serve``'s side of metrics: the directory several workers share, and the separate
listen address (``KAP_METRICS_ADDRESS``) where ``/metrics`` answers without a token.

The separate address is served by the ``serve`` process itself (a thread), not by a
worker: with several workers only one process can listen on it, and the supervisor is
the one that outlives them all; it reads the workers' files like any scrape. Keep that
address on a private network: it has no token.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

from interface.metrics.address import parse_address
from interface.metrics.scrape import MULTIPROCESS_ENV, scrape_registry
from interface.services import Services

PATH = "/metrics"


@contextmanager
def shared_metrics_dir() -> Iterator[str]:
    """A fresh directory for the workers' metric files, named to them in the environment
    (they are spawned after this, and read it as prometheus-client loads); removed at
    the end. One of the operator's own is not reused: old files would add old counts."""
    directory = tempfile.mkdtemp(prefix="kap-metrics-")
    before = os.environ.get(MULTIPROCESS_ENV)
    os.environ[MULTIPROCESS_ENV] = directory
    try:
        yield directory
    finally:
        if before is None:
            os.environ.pop(MULTIPROCESS_ENV, None)
        else:
            os.environ[MULTIPROCESS_ENV] = before
        shutil.rmtree(directory, ignore_errors=True)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes every few seconds are not worth a log line each."""


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


def _only_metrics(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    def answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found: metrics are at /metrics\n"]
        return app(environ, start_response)

    return answer


@contextmanager
def metrics_listener(address: str | None, services: Callable[[], Services]) -> Iterator[None]:
    """``/metrics`` without a token on ``address`` while the block runs (nothing if None)."""
    if not address:
        yield
        return
    host, port = parse_address(address)
    server_class = _Server6 if ":" in host else _Server
    app = _only_metrics(make_wsgi_app(scrape_registry(services())))
    try:
        server: WSGIServer = make_server(host, port, app, server_class, handler_class=_Quiet)
    except OSError as error:  # taken, or not an address of this host: one line, no trace
        raise SystemExit(f"error: KAP_METRICS_ADDRESS {address}: {error.strerror}") from None
    thread = threading.Thread(target=server.serve_forever, name="metrics", daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
