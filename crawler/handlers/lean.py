"""A lean HTTP/1.1 client for the http and https exchanges that go as they should; Scrapy's for the rest.

Scrapy's HTTP/1.1 handler runs each exchange through Twisted's web client: an agent, a connection
pool, a line-by-line parser, chains of Deferreds and two conversions of the headers. A Scrapy crawl
that fetches the bench site's pages and keeps nothing spent ~1.2 ms of CPU a response with it, ~0.5
with a handler that does no I/O at all, ~0.8 with this one (measured once, when this was written; in
`make bench` the variants `jcrawl` and `jcrawl-twisted` compare whole crawls). This handler writes a GET on a
kept-alive connection of its own (asyncio's, which the reactor runs on) and reads the response with
a few `find`s, and it takes only what it can read for certain:

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
import re
import ssl
import time
from collections import defaultdict
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings, default_settings
from scrapy.utils._download_handlers import check_stop_download
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.abstract import isIPAddress
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.internet.ssl import Certificate
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived, _DataLoss
from twisted.web.client import URI
from twisted.web.iweb import UNKNOWN_LENGTH

from crawler.handlers import quick_caller_lookup
from crawler.handlers.wiretap import WIRE, Wire, WiretapDownloadHandler, persistent_per_host
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
MAX_HEAD = 1 << 16  # a longer status line and headers are Scrapy's to read (or refuse)
# Twisted's parser keeps these out of a response's headers (its CONNECTION_CONTROL_HEADERS).
CONNECTION_HEADERS = frozenset(
    b"content-length connection keep-alive te trailers transfer-encoding upgrade proxy-connection".split()
)
NO_BODY = (204, 304)  # Twisted's NO_BODY_CODES: a response of length 0 whatever it says
DEFAULT_TIMEOUT = 10  # Scrapy's agent's, for a request without download_timeout
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_HEX = re.compile(rb"[0-9A-Fa-f]+\Z")
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


class _Unread(Exception):
    """An exchange this handler leaves to Scrapy's."""


class _Stopped(Exception):
    """A signal handler stopped the download (StopDownload), as the headers or body bytes arrived."""

    def __init__(self, stop: StopDownload, at_headers: bool):
        super().__init__()
        self.stop = stop
        self.at_headers = at_headers


class LeanDownloadHandler(WiretapDownloadHandler):
    """The wiretap handler with a lean client in front for well-formed GETs (see the module)."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._lean = crawler.settings.getbool("JCRAWL_LEAN_HTTP", True)
        self._keep = persistent_per_host(crawler.settings)
        self._idle: defaultdict[tuple[str, str, int], list[_Connection]] = defaultdict(list)
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
            except _Unread:
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

    def _exchange_for(self, request: Request) -> _Exchange | None:
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
            uri = URI.fromBytes(url.encode("ascii"))
        except ValueError:  # a port that is no number...: Scrapy's handler says so
            return None
        host = uri.host.decode("ascii")
        if b"@" in uri.netloc or host.startswith("[") or b"Host" in request.headers:
            return None
        lines = [b"GET " + uri.originForm + b" HTTP/1.1\r\n"]
        for name, values in request.headers.items():
            written = self._names.get(name) or self._name(name)
            if written is None:  # Scrapy's handler says what is wrong with it
                return None
            for value in values:
                if b"\r" in value or b"\n" in value:
                    return None
                lines.append(written + b": " + value + b"\r\n")
        # (the scheme's default port left out, as Twisted's _computeHostValue does)
        host_value = uri.host if uri.port == DEFAULT_PORTS[scheme] else b"%b:%d" % (uri.host, uri.port)
        lines.append(b"Host: " + host_value + b"\r\n\r\n")
        return _Exchange(self, request, url, scheme, host, uri.port, b"".join(lines))

    def _name(self, name: bytes) -> bytes | None:
        if not _TOKEN.match(name):
            return None
        written = b"-".join(word.capitalize() for word in name.split(b"-"))
        written = self._names[name] = _CASES.get(written, written)
        return written

    async def _run(self, exchange: _Exchange) -> Response:
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

    async def _open(self, scheme: str, host: str, port: int, idle: list[_Connection]) -> _Connection:
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
                lambda: _Connection(idle, self._keep), address, port, **tls
            )
        except Exception as exc:  # Scrapy's handler fails as it always did (or succeeds)
            raise _Unread from exc
        if tls:
            connection.identify(host, is_ip)
        return connection


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


def _kept(idle: list[_Connection]) -> _Connection | None:
    """The most recently used of a host's kept-alive connections still open, if any."""
    while idle:
        connection = idle.pop()
        if not connection.transport.is_closing():
            return connection
    return None


class _Connection(asyncio.Protocol):
    """One connection, carrying one exchange at a time; idle in its host's list between them."""

    def __init__(self, idle: list[_Connection], keep: int):
        self.idle = idle
        self.keep = keep
        self.transport: asyncio.Transport = None  # type: ignore[assignment]  # set as it is made
        self.exchange: _Exchange | None = None
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


class _Exchange:
    """One request and its response, read as the bytes arrive."""

    def __init__(
        self,
        handler: LeanDownloadHandler,
        request: Request,
        url: str,
        scheme: str,
        host: str,
        port: int,
        sent: bytes,
    ):
        self.handler = handler
        self.request = request
        self.url = url
        self.scheme = scheme
        self.host = host
        self.port = port
        self.sent = sent
        self.wire = Wire()
        self.done: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self.connection: _Connection | None = None
        self.opening: asyncio.Future[_Connection] | None = None
        self.started = 0.0
        self.scanned = 0  # bytes searched for the end of the head
        self.body_start = -1
        self.length = -1  # the body's, when framed by Content-Length
        self.pos = 0  # chunked: where the next size line or chunk starts
        self.chunks: list[bytes] = []
        self.chunked_size = 0
        self.chunk_left = 0  # of the current chunk's data; -1: its CRLF is next
        self.reuse = False
        self.status = 0
        self.protocol = ""
        self.headers: Headers | None = None
        self.maxsize = self.warnsize = 0  # the request's, read with the headers

    def start(self, connection: _Connection) -> None:
        self.connection = connection
        connection.exchange = self
        self.started = time.monotonic()
        self.wire.sent += self.sent
        connection.transport.write(self.sent)

    def end(self) -> None:
        """The exchange is over, read or not: a connection left mid-response is closed."""
        connection, self.connection = self.connection, None
        if connection is not None and connection.exchange is self:
            connection.exchange = None
            connection.transport.abort()

    def fail(self, exc: BaseException) -> None:
        if not self.done.done():
            self.done.set_exception(exc)
        self.end()

    def lost(self, reason: Exception) -> None:
        """The connection ended before the response was whole: what Scrapy's handler makes of that."""
        connection = self.connection
        if self.body_start >= 0:  # a body cut short: kept and flagged, unless DOWNLOAD_FAIL_ON_DATALOSS
            if not self.request.meta.get("download_fail_on_dataloss", self.handler._fail_on_dataloss):
                self._finish(self._response(self._body_so_far(), ["dataloss"]), reuse=False)
                return
            error: Exception = ResponseDataLossError()
            error.__cause__ = ResponseFailed([Failure(reason), Failure(_DataLoss())])
        elif not self.wire.received and connection is not None and connection.used:
            error = _Unread()  # a kept-alive connection the server had closed: sent again, as Twisted does
        else:
            cause = (ResponseFailed if self.wire.received else ResponseNeverReceived)([Failure(reason)])
            error = DownloadFailedError(str(cause))
            error.__cause__ = cause
        self.fail(error)

    def time_out(self, timeout: float) -> None:
        if self.opening is not None and not self.opening.done():
            self.opening.cancel()
        self.fail(DownloadTimeoutError(f"Getting {self.url} took longer than {timeout} seconds."))

    def received(self, data: bytes) -> None:
        self.wire.received += data
        try:
            if self.body_start < 0 and not self._read_head():
                return
            response = self._read_body()
        except _Unread as exc:
            self.fail(exc)
            return
        except _Stopped as stopped:  # as Scrapy's handler does: what arrived, flagged, or its failure
            body = b"" if stopped.at_headers else self._body_so_far()
            response = self._response(body, ["download_stopped"])
            if stopped.stop.fail:
                stopped.stop.response = response
                self.fail(stopped.stop)
            else:
                self._finish(response, reuse=False)
            return
        if response is not None:
            self._finish(response, self.reuse)

    def _finish(self, response: Response, reuse: bool) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.release(reuse)
        self.done.set_result(response)

    def _read_head(self) -> bool:
        """Read the status line and headers once they are all here; False until then."""
        buf = self.wire.received
        end = buf.find(b"\r\n\r\n", max(0, self.scanned - 3))
        if end < 0:  # not all here, or never to be: what Twisted reads that this does not is its to read
            if (
                len(buf) > MAX_HEAD
                or buf.count(b"\n") != buf.count(b"\r\n")
                or buf[:7] != b"HTTP/1."[: len(buf)]
            ):
                raise _Unread
            self.scanned = len(buf)
            return False
        head = bytes(buf[:end])
        bare = head.replace(b"\r\n", b"")
        if b"\r" in bare or b"\n" in bare:  # lines ended by LF alone: Twisted reads them
            raise _Unread
        lines = head.split(b"\r\n")
        version, _, rest = lines[0].partition(b" ")
        code = rest[:3]
        if version not in (b"HTTP/1.1", b"HTTP/1.0") or not code.isdigit() or rest[3:4] not in (b"", b" "):
            raise _Unread
        self.status = int(code)
        if self.status < 200:
            raise _Unread
        fields: dict[bytes, list[bytes]] = {}
        control: dict[bytes, list[bytes]] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon or not _TOKEN.match(name):
                raise _Unread
            name = name.lower()
            (control if name in CONNECTION_HEADERS else fields).setdefault(name, []).append(value.strip())
        self.reuse = version == b"HTTP/1.1" and not any(
            b"close" in value.lower() for value in control.get(b"connection", ())
        )
        self.protocol = version.decode("ascii")
        self.body_start = self.pos = end + 4
        if self.status in NO_BODY:
            self.length = 0
        elif b"transfer-encoding" in control:
            if control[b"transfer-encoding"] != [b"chunked"] or b"content-length" in control:
                raise _Unread
        elif b"content-length" in control:
            lengths = control[b"content-length"]
            if len(lengths) != 1 or not lengths[0].isdigit():  # Twisted's to judge
                raise _Unread
            self.length = int(lengths[0])
        else:  # delimited by the connection's end
            raise _Unread

        request, handler = self.request, self.handler
        request.meta["download_latency"] = time.monotonic() - self.started
        headers = self.headers = Headers()
        if self.length >= 0:
            headers[b"Content-Length"] = str(self.length).encode()
        headers.update(fields)
        meta = request.meta  # (read once, as Scrapy's handler reads them when the headers are in)
        self.maxsize = meta.get("download_maxsize", handler._default_maxsize)
        self.warnsize = meta.get("download_warnsize", handler._default_warnsize)
        if self._past_limits(self.length):
            raise _Unread  # Scrapy's handler cancels or warns
        self._signal(
            signals.headers_received,
            headers=headers,
            body_length=self.length if self.length >= 0 else UNKNOWN_LENGTH,
        )
        return True

    def _read_body(self) -> Response | None:
        """The response once its body is whole, else None."""
        buf = self.wire.received
        if self.length >= 0:
            end = self.body_start + self.length
            if len(buf) > end:
                raise _Unread  # more than the response
            if self.length and len(buf) > self.pos:
                self._arrived(bytes(buf[self.pos :]), len(buf) - self.body_start)
                self.pos = len(buf)
            return self._response(bytes(buf[self.body_start :])) if len(buf) == end else None
        while True:  # chunked: a size line, its data, CRLF; a last chunk of size 0, then a blank line
            if self.chunk_left > 0:
                take = min(len(buf) - self.pos, self.chunk_left)
                if take <= 0:
                    return None
                data = bytes(buf[self.pos : self.pos + take])
                self.chunks.append(data)
                self.pos += take
                self.chunk_left -= take
                self.chunked_size += take
                self._arrived(data, self.chunked_size)
                if self.chunk_left:
                    return None
                self.chunk_left = -1
            if self.chunk_left < 0:  # the CRLF after a chunk's data
                if len(buf) < self.pos + 2:
                    return None
                if buf[self.pos : self.pos + 2] != b"\r\n":
                    raise _Unread
                self.pos += 2
                self.chunk_left = 0
            eol = buf.find(b"\r\n", self.pos)
            if eol < 0:
                if len(buf) - self.pos > 1024:
                    raise _Unread
                return None
            size_field = bytes(buf[self.pos : eol]).split(b";", 1)[0]
            if not _HEX.match(size_field):
                raise _Unread
            size = int(size_field, 16)
            if size == 0:  # no trailer: the blank line ends the response
                if len(buf) < eol + 4:
                    return None
                if buf[eol + 2 : eol + 4] != b"\r\n" or len(buf) > eol + 4:
                    raise _Unread
                return self._response(b"".join(self.chunks))
            self.pos = eol + 2
            self.chunk_left = size

    def _arrived(self, data: bytes, received: int) -> None:
        """`data` of the body has arrived, `received` bytes of it so far."""
        self._signal(signals.bytes_received, data=data)
        if self._past_limits(received):
            raise _Unread

    def _past_limits(self, size: int) -> bool:
        """A body of `size` bytes is past DOWNLOAD_MAXSIZE or DOWNLOAD_WARNSIZE (0: no limit)."""
        return bool((self.maxsize and size > self.maxsize) or (self.warnsize and size > self.warnsize))

    def _signal(self, signal: object, **kwargs: Any) -> None:
        stop = check_stop_download(signal, self.handler._crawler, self.request, **kwargs)
        if stop is not None:
            raise _Stopped(stop, at_headers=signal is signals.headers_received)

    def _body_so_far(self) -> bytes:
        if self.length < 0:
            return b"".join(self.chunks)
        return bytes(self.wire.received[self.body_start : self.body_start + self.length])

    def _response(self, body: bytes, flags: list[str] | None = None) -> Response:
        headers, connection = self.headers, self.connection
        response = responsetypes.from_args(headers=headers, url=self.url, body=body)(
            url=self.url,
            status=self.status,
            body=body,
            flags=flags,
            certificate=connection.certificate if connection else None,
            ip_address=connection.ip_address if connection else None,
            protocol=self.protocol,
        )
        response.headers = headers  # kept as it is (see wiretap._TappedAgent._cb_bodydone)
        self.request.meta[WIRE] = self.wire
        return response
