"""Crawling an https site: a TLS server on 127.0.0.1 (a self-signed certificate made here) serves a
home page, robots.txt and a few articles over kept-alive HTTP/1.1 connections. The articles are
extracted; each record holds the exchange as plain HTTP (TLS is below the wiretap), the request's
block the bytes the server decrypted, under the https URL; verify and reparse accept the archive;
and a TLS failure is an `errors` row and exit 1, not a traceback. The same with the lean client on
(it makes the exchanges, and leaves a failed handshake to Scrapy's handler), off, or on under a TLS
setting other than Scrapy's default (it leaves https to Scrapy's handler)."""

from __future__ import annotations

import datetime
import ipaddress
import json
import shutil
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from OpenSSL import SSL
from scrapy.exceptions import DownloadFailedError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived
from warcio.archiveiterator import ArchiveIterator

from crawler.failures import describe
from tests.faultserver import article_html
from tests.helpers import jcrawl, query
from tests.test_wire_records import blocks

ARTICLES = {
    "/2024/05/harbour-expands/": "Harbour Expands",
    "/2024/05/ferry-returns/": "Ferry Returns",
    "/2024/06/customs-office-opens/": "Customs Office Opens",
}
# Short limits, so a failing connection costs well under a second.
QUICK = ["-s", "RETRY_TIMES=1", "-s", "JCRAWL_RETRY_BACKOFF=0.05", "-s", "DOWNLOAD_TIMEOUT=5"]
LEAN = {
    "lean on": [],
    "lean off": ["-s", "JCRAWL_LEAN_HTTP=False"],
    "lean on, TLS 1.2 method": ["-s", "DOWNLOADER_CLIENT_TLS_METHOD=TLSv1.2"],  # not Scrapy's default
}


def home_page() -> bytes:
    links = "".join(f'<a href="{path}">{title}</a> ' for path, title in ARTICLES.items())
    return f"<!DOCTYPE html><html><body><h1>Test Journal</h1>{links}</body></html>".encode()


def sitemap(port: int) -> bytes:
    urls = "".join(f"<url><loc>https://127.0.0.1:{port}{path}</loc></url>" for path in ARTICLES)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


PAGES = ["/", "/robots.txt", "/sitemap.xml", *ARTICLES]


def response_bytes(path: str, port: int) -> bytes:
    """What the server on `port` sends for `path`: a keep-alive HTTP/1.1 response framed by
    Content-Length."""
    if path == "/":
        content_type, body = "text/html; charset=utf-8", home_page()
    elif path == "/robots.txt":
        content_type = "text/plain"
        body = f"User-agent: *\nAllow: /\nSitemap: https://127.0.0.1:{port}/sitemap.xml\n".encode()
    elif path == "/sitemap.xml":
        content_type, body = "application/xml", sitemap(port)
    elif path in ARTICLES:
        content_type, body = "text/html; charset=utf-8", article_html(ARTICLES[path]).encode()
    else:
        content_type, body = "text/html", b"<html>not here</html>"
    status = "200 OK" if path in PAGES else "404 Not Found"
    head = (
        f"HTTP/1.1 {status}\r\nServer: tls-test\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (PEM files), made now."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


@dataclass
class Server:
    port: int = 0
    received: dict[str, list[bytes]] = field(default_factory=dict)  # path -> each request's bytes
    connections: int = 0  # TLS connections whose handshake completed
    accepted: int = 0  # TCP connections
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/") -> str:
        return f"https://127.0.0.1:{self.port}{path}"


@contextmanager
def serve(handle: Callable[[socket.socket, Server], None]) -> Iterator[Server]:
    """A threaded TCP server on a free port of 127.0.0.1, each connection given to `handle`."""
    server = Server()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            with server.lock:
                server.accepted += 1
            with suppress(OSError):  # the crawler hung up, or the handshake failed: its side tells
                handle(self.request, server)

    class TCPServer(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    with TCPServer(("127.0.0.1", 0), Handler) as tcp:
        server.port = tcp.server_address[1]
        threading.Thread(target=tcp.serve_forever, daemon=True).start()
        try:
            yield server
        finally:
            tcp.shutdown()


def tls_site(cert: tuple[Path, Path]) -> Callable[[socket.socket, Server], None]:
    """The journal over TLS: each connection's handshake done, then requests answered as they come
    (keep-alive), each request's bytes, as decrypted, logged by path."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*cert)

    def handle(raw: socket.socket, server: Server) -> None:
        raw.settimeout(10)
        with context.wrap_socket(raw, server_side=True) as conn:
            with server.lock:
                server.connections += 1
            data = b""
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, data = data.partition(b"\r\n\r\n")  # GETs: no body follows the head
                path = head.split(b" ", 2)[1].decode("latin-1")
                with server.lock:
                    server.received.setdefault(path, []).append(head + b"\r\n\r\n")
                conn.sendall(response_bytes(path, server.port))

    return handle


def plain_http(raw: socket.socket, server: Server) -> None:
    """A plain HTTP server's answer to whatever arrives (here a TLS ClientHello): 400, then close."""
    raw.recv(65536)
    body = b"<html>400 Bad Request</html>"
    raw.sendall(
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
    )


def close_in_handshake(raw: socket.socket, server: Server) -> None:
    """Read the ClientHello, then hang up without answering it."""
    raw.recv(65536)


@dataclass
class Crawl:
    server: Server
    archive: Path
    returncode: int
    stdout: str
    stderr: str
    lean: str  # a key of LEAN


@pytest.fixture(scope="module", params=list(LEAN))
def crawled(
    request: pytest.FixtureRequest, certificate: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Crawl]:
    with serve(tls_site(certificate)) as server:
        archive = tmp_path_factory.mktemp("https") / "archive"
        result = jcrawl("crawl", server.url("/"), *QUICK, *LEAN[request.param], archive=archive, timeout=120)
        yield Crawl(server, archive, result.returncode, result.stdout, result.stderr, request.param)


def test_the_crawl_succeeds_and_extracts_the_articles(crawled: Crawl) -> None:
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    assert "Traceback" not in crawled.stderr
    rows = query(crawled.archive, "SELECT url, title FROM articles ORDER BY url")
    assert rows == sorted((crawled.server.url(path), title) for path, title in ARTICLES.items())
    assert query(crawled.archive, "SELECT COUNT(*) FROM errors") == [(0,)]
    # kept-alive: fewer TLS connections than requests
    requests = sum(len(heads) for heads in crawled.server.received.values())
    assert crawled.server.connections < requests
    # Every exchange made by the lean client when it is on under Scrapy's default TLS settings, else
    # by Scrapy's (wiretapped) handler.
    [(stats,)] = query(crawled.archive, "SELECT stats FROM crawls")
    counted = json.loads(stats)
    made, not_made = ("lean", "scrapy") if crawled.lean == "lean on" else ("scrapy", "lean")
    assert counted[f"jcrawl/http/{made}"] == requests and f"jcrawl/http/{not_made}" not in counted


@pytest.mark.parametrize("path", list(PAGES))
def test_records_hold_plain_http_under_the_https_url(crawled: Crawl, path: str) -> None:
    found = blocks(crawled.archive)
    url = crawled.server.url(path)
    response = found[("response", url)]
    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    # the status line, headers and body as the server sent them: no TLS bytes
    assert response == response_bytes(path, crawled.server.port)
    [sent] = crawled.server.received[path]  # fetched once
    assert found[("request", url)] == sent
    assert sent.startswith(f"GET {path} HTTP/1.1\r\n".encode())


def test_records_name_the_https_url_and_the_peer(crawled: Crawl) -> None:
    seen = set()
    for warc in sorted((crawled.archive / "warc").glob("*.warc.gz")):
        with open(warc, "rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type in ("request", "response"):
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    assert uri.startswith(f"https://127.0.0.1:{crawled.server.port}/")
                    if record.rec_type == "response":  # (a request record names none, as for http)
                        assert record.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
                    seen.add((record.rec_type, uri))
    assert seen == {(kind, crawled.server.url(path)) for kind in ("request", "response") for path in PAGES}
    captured = query(crawled.archive, "SELECT url, status FROM captures ORDER BY url")
    assert captured == sorted((crawled.server.url(path), 200) for path in PAGES)


def test_verify_accepts_and_reparse_rebuilds_the_same_articles(crawled: Crawl, tmp_path: Path) -> None:
    verify = jcrawl("verify", archive=crawled.archive)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    sql = "SELECT url, title, content_hash FROM articles ORDER BY url"
    articles = query(crawled.archive, sql)
    assert len(articles) == len(ARTICLES)
    copy = Path(
        shutil.copytree(crawled.archive, tmp_path / "copy", ignore=shutil.ignore_patterns("journal.db*"))
    )
    reparse = jcrawl("reparse", archive=copy)
    assert reparse.returncode == 0, reparse.stderr
    assert query(copy, sql) == articles


@pytest.mark.parametrize("lean", list(LEAN))
@pytest.mark.parametrize(
    ("handle", "says"),
    [
        (plain_http, "TLS error: "),  # OpenSSL's words: "wrong version number" (as of OpenSSL 3)
        (close_in_handshake, "Connection"),  # ConnectionLost or ConnectionDone: Twisted's view
    ],
    ids=["plain-http-port", "closed-in-handshake"],
)
def test_a_tls_failure_is_an_error_row_not_a_traceback(
    handle: Callable[[socket.socket, Server], None], says: str, lean: str, tmp_path: Path
) -> None:
    with serve(handle) as server:
        archive = tmp_path / "archive"
        result = jcrawl("crawl", server.url("/"), *QUICK, *LEAN[lean], archive=archive, timeout=120)
    assert result.returncode == 1, result.stderr[-3000:]  # done, but some pages could not be fetched
    assert "Traceback" not in result.stderr + result.stdout
    assert "2 errors recorded" in result.stdout
    # The home page, and /sitemap.xml, tried when robots.txt (which failed too) named no sitemap.
    errors = query(archive, "SELECT url, kind, message FROM errors ORDER BY url")
    assert [url for url, _, _ in errors] == [server.url("/"), server.url("/sitemap.xml")], errors
    for _, kind, message in errors:
        assert kind == "DownloadFailedError" and message.startswith(says), errors
        assert "[(" not in message  # no repr of OpenSSL's error queue
    assert query(archive, "SELECT COUNT(*) FROM captures") == [(0,)]  # no response: nothing archived
    # Each exchange made by Scrapy's handler; with the lean client on, after its own failed handshake.
    [(stats,)] = query(archive, "SELECT stats FROM crawls")
    counted = json.loads(stats)
    assert "jcrawl/http/lean" not in counted
    tries = 2 if lean == "lean on" else 1
    assert server.accepted == tries * counted["jcrawl/http/scrapy"], (server.accepted, counted)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (SSL.Error([("SSL routines", "", "wrong version number")]), "TLS error: wrong version number"),
        (
            SSL.Error([("SSL routines", "", "sslv3 alert handshake failure"), ("SSL routines", "", "")]),
            "TLS error: sslv3 alert handshake failure; SSL routines",
        ),
        (SSL.SysCallError(-1, "Unexpected EOF"), "TLS error: Unexpected EOF"),
        (SSL.ZeroReturnError(), "TLS error: ZeroReturnError"),
    ],
    ids=["error-queue", "two-reasons", "syscall", "bare"],
)
def test_tls_reasons_are_named_in_words(error: SSL.Error, message: str) -> None:
    """pyOpenSSL's other shapes of error, which a local server does not readily produce."""
    try:
        try:
            raise ResponseNeverReceived([Failure(error)])
        except ResponseNeverReceived as cause:
            raise DownloadFailedError(str(cause)) from cause
    except DownloadFailedError:
        assert describe(Failure()) == ("DownloadFailedError", message)
