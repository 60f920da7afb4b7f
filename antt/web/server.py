"""Running the web application: uvicorn, one process per worker, every connection with TCP_NODELAY.

Two things measured on the way, and why this module exists:
- With several workers uvicorn binds the listening socket itself (protocol 0, not IPPROTO_TCP), and
  asyncio then leaves Nagle's algorithm on for the connections it accepts: every keep-alive response after
  the first waited for the browser's delayed ACK, about 40 ms (/health 48 ms with two workers, 4 ms with
  one). :class:`NoDelayHttpProtocol` switches Nagle off on each connection.
- uvicorn's workers share one listening socket, and asyncio accepts greedily: whichever worker wakes
  first takes a whole burst of new connections, and keep-alive keeps them there (the benchmark saw 1.1 of
  2 cores busy). Here each worker binds its own socket with SO_REUSEPORT, so the kernel spreads the
  connections across the workers.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import time
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from antt.services.data_cache import shared_cache
from antt.services.staged_imports import shared_staging

APP = "antt.web.app:app_from_environment"


class NoDelayHttpProtocol(HttpToolsProtocol):
    def connection_made(self, transport: Any) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def _config(workers: int) -> uvicorn.Config:
    return uvicorn.Config(
        APP,
        factory=True,
        http=NoDelayHttpProtocol,
        log_level="warning" if workers > 1 else "info",
        proxy_headers=False,
    )


def _listening_socket(host: str, port: int, *, shared: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def _worker(host: str, port: int, workers: int) -> None:
    sock = _listening_socket(host, port, shared=True)
    uvicorn.Server(_config(workers)).run(sockets=[sock])


def run(host: str, port: int, workers: int = 1) -> None:
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        config = _config(1)
        config.host, config.port = host, port
        uvicorn.Server(config).run()
        return
    _listening_socket(host, port, shared=False).close()  # the port is free (no other server shares it)
    # the workers' one upload folder (a check and its confirmation may meet two) and one cache of figures
    with shared_staging(), shared_cache():
        _run_workers(host, port, workers)


def _run_workers(host: str, port: int, workers: int) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(host, port, workers), name=f"antt-web-{i + 1}")
        for i in range(workers)
    ]
    for process in processes:
        process.start()

    def stop(*_: object) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(p.is_alive() for p in processes):  # one worker gone: stop them all, as uvicorn would not
            time.sleep(0.5)
    finally:
        stop()
        for process in processes:
            process.join(timeout=30)
