"""A lean HTTP/1.1 client for the http and https exchanges that go as they should; Scrapy's for the rest.

Scrapy's HTTP/1.1 handler runs each exchange through Twisted's web client: an agent, a connection
pool, a line-by-line parser, chains of Deferreds and two conversions of the headers. A Scrapy crawl
that fetches the bench site's pages and keeps nothing spent ~1.2 ms of CPU a response with it, ~0.5
with a handler that does no I/O at all, ~0.8 with this one (measured once, when this was written; in
`make bench` the variants `jcrawl` and `jcrawl-twisted` compare whole crawls). This handler writes a GET on a
kept-alive connection of its own (asyncio's, which the reactor runs on) and reads the response with
a few `find`s (crawler/handlers/lean_exchange.py), and it takes only what it can read for certain:

- a GET without a body to an `http` URL, or to an `https` one while the TLS settings are Scrapy's
  defaults (see below), through no proxy, from no bind address, with neither credentials in the URL
  nor a Host header of its own;
- answered by `HTTP/1.0` or `HTTP/1.1` with a status of 200 or more, each header a token, a colon and
  a value on its own CRLF-ended line, the body framed by one Content-Length or by `chunked` without
  trailers (or empty: 204, 304), and nothing after it.

Everything else is left to the wiretap handler (crawler/handlers/wiretap.py: Scrapy's handler with a
tap), which sends the request again, and then meets the server as it always did: any other response
(lines ended by LF alone, 1xx, trailers, a body delimited by the connection's close...), a body past
DOWNLOAD_MAXSIZE or DOWNLOAD_WARNSIZE (which Scrapy's handler cancels or warns of), a failure to
resolve or connect, and a kept-alive connection the server had closed before answering (which
Twisted's pool also retries). A connection that fails otherwise is not tried again: it fails as it
does in Scrapy's handler (DownloadFailedError for a reset or a close before the response; a body cut
short kept with the flag `dataloss`, or ResponseDataLossError under DOWNLOAD_FAIL_ON_DATALOSS), as
does a timeout (DownloadTimeoutError, with Scrapy's message), and a download a signal handler stops
(StopDownload, as crawler/downloadermiddlewares/limits.py does at JCRAWL_MAX_BODY_SIZE) keeps what
arrived, flagged `download_stopped`. So retries, errors and cut bodies are the same with either client.

For https it does what Scrapy's default TLS setup does (scrapy/core/downloader/contextfactory.py),
with one `ssl.SSLContext` for the handler: the same protocol versions (TLS 1.2 and up), ciphers
(OpenSSL's DEFAULT as Twisted lists it), options (Twisted's CertificateOptions with `fixBrokenPeers`,
no tickets, legacy renegotiation), no verification of the certificate, the server's name (SNI) sent
for a host name and not for an IP address, SSLKEYLOGFILE honoured, and Scrapy's warning when the
certificate does not name the host (once a connection; Scrapy's comes from OpenSSL's verify callback,
which may call it more than once). A TLS handshake that fails is a connection that fails: Scrapy's
handler meets the server again and fails as it does (`TLS error: ...`), or succeeds. Any other
DOWNLOADER_CLIENTCONTEXTFACTORY, DOWNLOADER_CLIENT_TLS_METHOD, DOWNLOADER_CLIENT_TLS_CIPHERS,
DOWNLOADER_CLIENT_TLS_VERBOSE_LOGGING, DOWNLOAD_TLS_MIN_VERSION, DOWNLOAD_TLS_MAX_VERSION or
DOWNLOAD_VERIFY_CERTIFICATES leaves every https exchange to Scrapy's handler.

What it gives is what Scrapy's handler gives: the same request bytes (Twisted's header order and
casing, Host last, without the scheme's default port), the same Response (the headers without the
connection headers, Content-Length as Twisted reports it, `download_latency`, the peer's address, the
protocol; for https the peer's certificate, parsed once a connection), the headers_received and
bytes_received signals, and the exchange's bytes in `meta[WIRE]` for the WARC writer. The crawl's
stats count the exchanges of each client (`jcrawl/http/lean`, `jcrawl/http/scrapy`).
JCRAWL_LEAN_HTTP = False sends every exchange to Scrapy's handler.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import logging
import ssl
from collections import defaultdict
from typing import Any
from urllib.parse import urlparse

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Response
from scrapy.settings import BaseSettings, default_settings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.abstract import isIPAddress
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.internet.ssl import Certificate

from crawler.handlers import quick_caller_lookup
from crawler.handlers.lean_exchange import TOKEN, Exchange, Unread
from crawler.handlers.wiretap import WIRE, WiretapDownloadHandler, persistent_per_host
from crawler.headers import has_header
from crawler.urls import DEFAULT_PORTS

# Scrapy's internals for its TLS setup (Scrapy 2.19 on Twisted >= 26.4): without them, https stays
# Scrapy's handler's (_tls_context) rather than being made otherwise.
try:
    with quick_caller_lookup():  # (as in wiretap.py)
        from scrapy.core.downloader.tls import _ScrapyClientTLSOptions26
        from scrapy.utils.ssl import _get_keylog_filename
except ImportError:  # pragma: no cover - another Scrapy or Twisted
    _ScrapyClientTLSOptions26 = _get_keylog_filename = None

logger = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 10  # Scrapy's agent's, for a request without download_timeout
_ASCII_SPACE = " \t\n\r\x0b\x0c"  # what bytes.strip strips
# Twisted's capitalisation of header names it does not write Word-Word (its _NameEncoder).
_CASES = {b"Content-Md5": b"Content-MD5", b"Dnt": b"DNT", b"Etag": b"ETag", b"P3p": b"P3P", b"Te": b"TE"}
_CASES.update({b"Www-Authenticate": b"WWW-Authenticate", b"X-Xss-Protection": b"X-XSS-Protection"})
# Settings under which Scrapy's handler makes its TLS connections as _tls_context's do.
TLS_SETTINGS = (
    "DOWNLOADER_CLIENTCONTEXTFACTORY",
    "DOWNLOADER_CLIENT_TLS_METHOD",
    "DOWNLOADER_CLIENT_TLS_CIPHERS",
    "DOWNLOADER_CLIENT_TLS_VERBOSE_LOGGING",
    "DOWNLOAD_TLS_MIN_VERSION",
    "DOWNLOAD_TLS_MAX_VERSION",
    "DOWNLOAD_VERIFY_CERTIFICATES",
)
# Versions Twisted turns off by options, which Python deprecates for its minimum_version.
_NO_VERSIONS = ssl.OP_NO_SSLv2 | ssl.OP_NO_SSLv3 | ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1


class LeanDownloadHandler(WiretapDownloadHandler):
    """The wiretap handler with a lean client in front for well-formed GETs (see the module)."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._lean = crawler.settings.getbool("JCRAWL_LEAN_HTTP", True)
        self._keep = persistent_per_host(crawler.settings)
        self._idle: defaultdict[tuple[str, str, int], list[Connection]] = defaultdict(list)
        self._names: dict[bytes, bytes] = {}  # Scrapy's header name -> as Twisted writes it

    @functools.cached_property
    def _tls(self) -> ssl.SSLContext | None:
        """The TLS context of https exchanges, made at the first (the http handler never makes one);
        None: https is Scrapy's handler's (another TLS setup than its default)."""
        return _tls_context(self._crawler.settings, self._contextFactory)

    async def download_request(self, request: Request) -> Response:
        request.meta.pop(WIRE, None)  # a retry's meta is a copy of the failed attempt's
        exchange = self._exchange_for(request) if self._lean else None
        if exchange is not None:
            try:
                response = await self._run(exchange)
                self._crawler.stats.inc_value("jcrawl/http/lean")
                return response
            except Unread:
                pass
            except ResponseDataLossError:
                self.warn_of_dataloss(request)
                raise
        return await super().download_request(request)

    async def close(self) -> None:
        for idle in self._idle.values():
            for connection in idle[:]:
                connection.transport.close()
        await super().close()

    def _exchange_for(self, request: Request) -> Exchange | None:
        """The exchange of `request` if this handler may send it, else None."""
        meta = request.meta
        if request.method != "GET" or request.body or "proxy" in meta or "bindaddress" in meta:
            return None
        if self._bind_address or not request.url.isascii():
            return None
        if request.url.startswith("http://"):
            scheme = "http"
        elif request.url.startswith("https://") and self._tls is not None:
            scheme = "https"
        else:
            return None
        url = request.url.split("#", 1)[0]
        try:
            netloc, host, port, target = _uri(url)
        except ValueError:  # a bracket left open...: Scrapy's handler says so
            return None
        if "@" in netloc or host.startswith("[") or has_header(request.headers, b"Host"):
            return None
        lines = [b"GET " + target.encode("ascii") + b" HTTP/1.1\r\n"]
        for name, values in dict.items(request.headers):
            written = self._names.get(name) or self._name(name)
            if written is None:  # Scrapy's handler says what is wrong with it
                return None
            for value in values:
                if b"\r" in value or b"\n" in value:
                    return None
                lines.append(written + b": " + value + b"\r\n")
        # (the scheme's default port left out, as Twisted's _computeHostValue does)
        host_value = host if port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
        lines.append(b"Host: " + host_value.encode("ascii") + b"\r\n\r\n")
        return Exchange(self, request, url, scheme, host, port, b"".join(lines))

    def _name(self, name: bytes) -> bytes | None:
        if not TOKEN.match(name):
            return None
        written = b"-".join(word.capitalize() for word in name.split(b"-"))
        written = self._names[name] = _CASES.get(written, written)
        return written

    async def _run(self, exchange: Exchange) -> Response:
        request = exchange.request
        timeout = request.meta.get("download_timeout") or DEFAULT_TIMEOUT
        loop = asyncio.get_running_loop()
        timer = loop.call_later(timeout, exchange.time_out, timeout)
        try:
            idle = self._idle[(exchange.scheme, exchange.host, exchange.port)]
            connection = _kept(idle)
            if connection is None:
                opening = exchange.opening = asyncio.ensure_future(
                    self._open(exchange.scheme, exchange.host, exchange.port, idle)
                )
                try:
                    connection = await opening
                except asyncio.CancelledError:
                    if exchange.done.done():  # timed out while connecting
                        return await exchange.done
                    raise
            exchange.start(connection)
            return await exchange.done
        finally:
            timer.cancel()
            exchange.end()

    async def _open(self, scheme: str, host: str, port: int, idle: list[Connection]) -> Connection:
        """A new connection to host:port (through TLS for https, its handshake done), which joins
        `idle` when its exchanges are over."""
        is_ip = isIPAddress(host)
        try:
            address = host
            if not is_ip:  # through Scrapy's resolver and its DNS cache, as its handler does
                from twisted.internet import reactor

                address = await maybe_deferred_to_future(reactor.resolve(host))
            loop = asyncio.get_running_loop()
            tls = {"ssl": self._tls, "server_hostname": host} if scheme == "https" else {}
            _, connection = await loop.create_connection(
                lambda: Connection(idle, self._keep), address, port, **tls
            )
        except Exception as exc:  # Scrapy's handler fails as it always did (or succeeds)
            raise Unread from exc
        if tls:
            connection.identify(host, is_ip)
        return connection


def _uri(url: str) -> tuple[str, str, int, str]:
    """(netloc, host, port, origin form) of an ASCII URL, as Twisted's `URI.fromBytes` of its bytes
    gives them (`netloc`, `host`, `port`, `originForm`) to Scrapy's handler: its parse, without the
    bytes-to-text conversions it runs the URL and each part through (three times the CPU). Raises
    ValueError where it does (an IPv6 address left open)."""
    parts = urlparse(url.strip(_ASCII_SPACE))
    netloc = parts.netloc
    host, port = netloc, 443 if parts.scheme in ("https", "wss") else 80
    if ":" in netloc:
        name, _, number = netloc.rpartition(":")
        with contextlib.suppress(ValueError):  # (a port that is no number: the netloc is the host)
            host, port = name, int(number)
    # urlunparse of the path, params and query (the params and query only if not empty), or "/"
    target = parts.path + (f";{parts.params}" if parts.params else "")
    target += f"?{parts.query}" if parts.query else ""
    return netloc, host.strip("[]"), port, target or "/"


def _tls_context(settings: BaseSettings, factory: Any) -> ssl.SSLContext | None:
    """A client context doing what `factory`, Scrapy's default one, does (see the module); None if the
    TLS settings are not Scrapy's defaults."""
    if any(settings[name] != getattr(default_settings, name) for name in TLS_SETTINGS):
        return None
    if _ScrapyClientTLSOptions26 is None or _get_keylog_filename is None:
        return None
    try:
        options = factory._get_cert_options()  # Twisted's CertificateOptions, as Scrapy sets them
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False  # Scrapy only warns of a certificate for another host (identify)
        context.verify_mode = ssl.CERT_NONE
        context.minimum_version = ssl.TLSVersion.TLSv1_2  # Twisted's default minimum (its OP_NO_TLSv1*)
        # Twisted's options (fixBrokenPeers: OP_ALL, no compression, no tickets...) and Scrapy's
        # OP_LEGACY_SERVER_CONNECT (0x4), added to OpenSSL's defaults as pyOpenSSL's set_options does
        context.options |= (options._options & ~_NO_VERSIONS) | 0x4
        context.set_ciphers(options._cipherString)  # OpenSSL's DEFAULT as Twisted lists it, not Python's
        if keylog := _get_keylog_filename():  # SSLKEYLOGFILE, as Scrapy's context honours it
            context.keylog_filename = keylog
    except (AttributeError, TypeError, ValueError, ssl.SSLError) as exc:  # internals of another version
        logger.info("https left to Scrapy's handler: its TLS setup could not be read (%s)", exc)
        return None
    return context


def _kept(idle: list[Connection]) -> Connection | None:
    """The most recently used of a host's kept-alive connections still open, if any."""
    while idle:
        connection = idle.pop()
        if not connection.transport.is_closing():
            return connection
    return None


class Connection(asyncio.Protocol):
    """One connection, carrying one exchange at a time; idle in its host's list between them."""

    def __init__(self, idle: list[Connection], keep: int):
        self.idle = idle
        self.keep = keep
        self.transport: asyncio.Transport = None  # type: ignore[assignment]  # set as it is made
        self.exchange: Exchange | None = None
        self.ip_address: Any = None
        self.certificate: Certificate | None = None  # the peer's, over TLS
        self.used = False  # has carried an exchange before the current one

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.ip_address = ipaddress.ip_address(peer[0]) if peer else None

    def identify(self, host: str, is_ip: bool) -> None:
        """Keep the peer's certificate, and warn as Scrapy does if it does not name `host`."""
        ssl_object = self.transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if der:
            # (Twisted's and Scrapy's internals: another version of them costs the certificate or
            # Scrapy's warning of a certificate naming another host, never the download)
            with contextlib.suppress(Exception):
                self.certificate = Certificate.load(der)  # DER, parsed once a connection
                # Scrapy's check of the certificate's names (it only warns), on the leaf certificate
                _ScrapyClientTLSOptions26._verifyCB(not is_ip, host)(None, self.certificate.original, 0, 0, 1)

    def data_received(self, data: bytes) -> None:
        if self.exchange is None:  # bytes nobody asked for: the connection is not to be trusted
            self.transport.abort()
        else:
            self.exchange.received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self in self.idle:
            self.idle.remove(self)
        if self.exchange is not None:
            # Twisted's reason: a clean close, or anything else
            self.exchange.lost(ConnectionDone() if exc is None else ConnectionLost())

    def release(self, reuse: bool) -> None:
        """The exchange is over: keep the connection for the next one, or close it."""
        self.exchange = None
        self.used = True
        if reuse and len(self.idle) < self.keep and not self.transport.is_closing():
            self.idle.append(self)
        else:
            self.transport.close()
