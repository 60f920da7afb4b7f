"""Running the web application: uvicorn, one process per worker, every connection with TCP_NODELAY.

With several workers uvicorn binds the listening socket itself (protocol 0, not IPPROTO_TCP), and asyncio
then leaves Nagle's algorithm on for the connections it accepts: every keep-alive response after the first
waited for the browser's delayed ACK, about 40 ms (measured: /health 48 ms with two workers, 4 ms with
one). The protocol below switches Nagle off on each connection, whatever bound the socket.
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class NoDelayHttpProtocol(HttpToolsProtocol):
    def connection_made(self, transport: Any) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def run(host: str, port: int, workers: int = 1) -> None:
    uvicorn.run(
        "antt.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=NoDelayHttpProtocol,
        log_level="warning" if workers > 1 else "info",
        proxy_headers=False,
    )
