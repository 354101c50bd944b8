"""A raw HTTP/1.1 server on 127.0.0.1 for faults a well-behaved server cannot produce.

Each route is a function that gets the connected socket and how many times its path was asked for
(1 on the first request), and writes whatever bytes it likes: a reset, nothing at all, a body that
trickles forever, fewer bytes than its Content-Length. Every request is logged with its arrival time.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus

Route = Callable[[socket.socket, int], None]


def response_head(status: int, headers: dict[str, str] | None = None, length: int | None = None) -> bytes:
    """A status line and headers (Connection: close), with Content-Length `length` unless it is None."""
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(
    conn: socket.socket, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None
) -> None:
    """A whole response."""
    conn.sendall(response_head(status, {"Content-Type": "text/html", **(headers or {})}, len(body)) + body)


def html(body: bytes | str, content_type: str = "text/html; charset=utf-8") -> Route:
    """A route that always answers 200 with `body`."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda conn, attempt: respond(conn, 200, data, {"Content-Type": content_type})


def reset(conn: socket.socket, attempt: int) -> None:
    """Close the connection with a TCP RST instead of answering."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


@dataclass
class FaultServer:
    routes: dict[str, Route]
    port: int = 0
    log: list[tuple[float, str]] = field(default_factory=list)
    heads: dict[str, bytes] = field(default_factory=dict)  # path -> the last request's bytes as received
    stopping: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests(self, path: str) -> list[float]:
        """Arrival times (time.monotonic) of the requests for `path`."""
        return [at for at, p in self.log if p == path]

    def sleep(self, seconds: float) -> bool:
        """Wait, unless the server stops first; True if it is stopping."""
        return self.stopping.wait(seconds)


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[FaultServer]:
    """Serve `routes` (unknown paths get 404) on a free port until the block ends."""
    server = FaultServer(routes)
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            conn: socket.socket = self.request
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                head += chunk
            path = head.split(b" ", 2)[1].decode("latin-1")
            with lock:
                server.log.append((time.monotonic(), path))
                server.heads[path] = head
                counts[path] += 1
                attempt = counts[path]
            route = routes.get(path) or (lambda c, a: respond(c, 404, b"<html>not here</html>"))
            with contextlib.suppress(OSError):  # the crawler hung up: what some routes wait for
                route(conn, attempt)

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    with Server(("127.0.0.1", 0), Handler) as tcp:
        server.port = tcp.server_address[1]
        thread = threading.Thread(target=tcp.serve_forever, daemon=True)
        thread.start()
        try:
            yield server
        finally:
            server.stopping.set()
            tcp.shutdown()


def article_html(title: str, paragraphs: list[str] | None = None, head: str = "") -> str:
    """An article page in the markup of the bench site's standard layout."""
    paragraphs = paragraphs or [
        f"{title} is the story of a port that grew quickly after the new berths opened last spring.",
        "Officials said the traffic figures would be published next month by the port authority.",
        "Shipping lines have added two weekly calls, and the customs office now works around the clock.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head>{head}<title>{title} - Test Journal</title>'
        '<meta property="og:type" content="article"></head><body>'
        f'<article><h1 class="entry-title">{title}</h1><div class="entry-content">{body}</div></article>'
        "</body></html>"
    )
