"""Serve the generated demo site on loopback with the standard library's HTTP server.

Behaves like the nginx in front of a WordPress site: 301 from directory URLs without their trailing
slash and from renamed articles' old slugs, the site's own 404 page with status 404, Content-Type by
extension, ETag/Last-Modified with 304 answers to conditional GETs, gzip when the client accepts it, and
HTTP/1.1 keep-alive. It logs nothing.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import ipaddress
import json
import socket
import threading
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import quote, unquote, urlsplit

from crawler.demo.site import NOT_FOUND_FILE, REDIRECTS_FILE, build_site

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
COMPRESSIBLE = {".html", ".rss", ".xml", ".txt", ".css"}
INDEX_FILES = ("index.html", "index.rss")  # what a directory URL serves (/feed/ is index.rss)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every response has a Content-Length
    server_version = "jcrawl-demo/1.0"
    sys_version = ""
    timeout = 30  # close idle keep-alive connections
    server: _HTTPServer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def do_GET(self) -> None:
        self.respond(head=False)

    def respond(self, head: bool) -> None:
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), f"?{parts.query}" if parts.query else ""
        redirects = self.server.redirects
        if path in redirects or path + "/" in redirects:  # a renamed article's old slug
            return self.redirect(redirects.get(path) or redirects[path + "/"], query)
        file = self.server.lookup(path)
        if file is None and not path.endswith("/") and self.server.lookup(path + "/"):
            return self.redirect(path + "/", query)
        if file is not None:
            return self.send_file(file, 200, head)
        not_found = self.server.root / NOT_FOUND_FILE
        if not_found.is_file():
            return self.send_file(not_found, 404, head)
        self.send_error(404)

    def redirect(self, path: str, query: str) -> None:
        body = b"<html><body><h1>301 Moved Permanently</h1></body></html>\n"
        self.send_response(301)
        self.send_header("Location", self.server.base_url + quote(path) + query)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_file(self, file: Path, status: int, head: bool) -> None:
        body, mtime = file.read_bytes(), int(file.stat().st_mtime)
        ext = file.suffix
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
        zipped = ext in COMPRESSIBLE and _accepts_gzip(self.headers.get("Accept-Encoding", ""))
        if zipped:  # as nginx does, a compressed variant gets a weak ETag
            etag = "W/" + etag
        if status == 200 and self.not_modified(etag, mtime):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
            self.end_headers()
            return
        if zipped:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPES.get(ext, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        if ext in COMPRESSIBLE:
            self.send_header("Vary", "Accept-Encoding")
        if status == 200:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def not_modified(self, etag: str, mtime: int) -> bool:
        """If-None-Match (weak comparison) wins over If-Modified-Since, as in RFC 9110."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or etag.removeprefix("W/") in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                return mtime <= parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return False
        return False


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (an explicit q=0 refuses it)."""
    for item in accept_encoding.lower().split(","):
        name, _, params = item.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # handler threads are joined on close, after their sockets are shut down
    block_on_close = True

    def __init__(self, address: tuple[str, int], root: Path) -> None:
        self.root = root
        self.redirects: dict[str, str] = {}
        self.base_url = ""
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.accepted = 0  # connections accepted since the server started
        super().__init__(address, _Handler)

    def lookup(self, path: str) -> Path | None:
        """The file a URL path serves, or None. Hidden names (dot-files, `..`) are never served."""
        parts = [p for p in path.split("/") if p]
        if not path.startswith("/") or any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
            return None
        target = self.root.joinpath(*parts)
        if not path.endswith("/"):
            return target if target.is_file() else None
        return next((target / name for name in INDEX_FILES if (target / name).is_file()), None)

    def process_request(self, request: socket.socket, client_address: tuple[str, int]) -> None:
        with self._lock:
            self._open.add(request)
            self.accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:
        with self._lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake handler threads waiting on idle keep-alive connections so they can end."""
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):  # already closed by the client
                    sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:  # quiet
        pass


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class DemoServer:
    """The demo site's HTTP server, bound on creation and serving from a background thread once started.

    `url` is the site's root URL (`http://127.0.0.1:PORT/`). Use as a context manager, or call `stop()`.
    """

    def __init__(self, directory: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        if host == "localhost":
            host = "127.0.0.1"
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ValueError(f"the demo server only listens on a loopback address, not {host!r}")
        ipv6 = ":" in host
        self.directory = Path(directory)
        self._httpd = (_HTTPServer6 if ipv6 else _HTTPServer)((host, port), self.directory)
        self.host, self.port = host, self._httpd.server_address[1]
        self.url = f"http://[{host}]:{self.port}/" if ipv6 else f"http://{host}:{self.port}/"
        self._httpd.base_url = self.url.rstrip("/")
        self.manifest: dict | None = None  # set by start_demo_site
        self._thread: threading.Thread | None = None

    def start(self) -> DemoServer:
        """Load the redirect map the generator wrote and serve in a background thread."""
        redirects = self.directory / REDIRECTS_FILE
        self._httpd.redirects = json.loads(redirects.read_text()) if redirects.is_file() else {}
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"demo-site:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections, join the threads and release the port. Idempotent."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.close_connections()
        self._httpd.server_close()  # joins the handler threads

    @property
    def connections_accepted(self) -> int:
        """How many connections the server has accepted (a crawl that keeps its connections open to
        the host makes few)."""
        return self._httpd.accepted

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve(directory: Path, host: str = "127.0.0.1", port: int = 0) -> DemoServer:
    """Serve the site generated in `directory` on loopback (port 0: a free port); return the server."""
    return DemoServer(directory, host, port).start()


def start_demo_site(tmp_dir: Path, articles: int = 60) -> DemoServer:
    """Bind a free loopback port, generate the site for that URL in `tmp_dir` and serve it.

    The returned server's `manifest` is build_site's manifest.
    """
    server = DemoServer(tmp_dir)
    try:
        server.manifest = build_site(Path(tmp_dir), server.url, articles=articles)
        return server.start()
    except BaseException:
        server.stop()
        raise
