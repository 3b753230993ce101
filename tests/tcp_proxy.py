"""A loopback TCP proxy that can fail the way networks do, for tests against a database.

Modes, switched while connections are open:
- ``pass``: bytes flow both ways.
- ``blackhole``: connections are accepted and held; nothing is forwarded either way (bytes
  already read wait, as on a partitioned link), so a peer sees a silent stall rather than
  an error. Back in ``pass``, held bytes flow on, as after a healed partition.
- ``reset``: every open connection is closed with a reset, and new ones are reset on
  accept, as when the database restarts or a middlebox drops its state.

The proxy runs its own asyncio loop in a daemon thread; it listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Literal

Mode = Literal["pass", "blackhole", "reset"]
CHUNK = 65536


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.mode: Mode = "pass"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._flowing = asyncio.Event()  # set while the mode is "pass"
        self._links: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    def start(self) -> None:
        self._thread.start()
        self._call(self._listen())

    def set_mode(self, mode: Mode) -> None:
        self._call(self._switch(mode))

    def close(self) -> None:
        self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def _call(self, coroutine: object) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)  # type: ignore[arg-type]

    async def _listen(self) -> None:
        self._flowing.set()
        self._server = await asyncio.start_server(self._accepted, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _switch(self, mode: Mode) -> None:
        self.mode = mode
        if mode == "pass":
            self._flowing.set()
            return
        self._flowing.clear()
        if mode == "reset":
            for writer in list(self._links):
                _reset(writer)
            self._links.clear()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._links):
            _reset(writer)
        self._links.clear()

    async def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "reset":
            _reset(writer)
            return
        self._links.add(writer)
        await self._flowing.wait()  # a black hole holds a new connection unanswered
        if writer not in self._links:  # reset while held
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _reset(writer)
            return
        self._links.add(up_writer)
        await asyncio.gather(
            self._pump(reader, up_writer, writer), self._pump(up_reader, writer, up_writer)
        )

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, own: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                await self._flowing.wait()
                data = await source.read(CHUNK)
                if not data:
                    break
                await self._flowing.wait()  # bytes read just before a stall are held
                if sink not in self._links:
                    break
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            for side in (sink, own):
                if side in self._links:
                    self._links.discard(side)
                    side.close()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST (linger 0), not FIN: the peer's next read fails at once."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@contextmanager
def tcp_proxy(target_host: str, target_port: int) -> Iterator[TcpProxy]:
    proxy = TcpProxy(target_host, target_port)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.close()
