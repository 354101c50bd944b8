"""The lean HTTP client's exchanges (crawler/handlers/lean.py): a request written on a kept-alive
connection, and its response read as the bytes arrive, or left unread for Scrapy's handler.

An `Exchange` reads a response only when it can be read for certain: `HTTP/1.0` or `HTTP/1.1`, a
status of 200 or more, each header a token, a colon and a value on its own CRLF-ended line, the
body framed by one Content-Length or by `chunked` without trailers (or empty: 204, 304), nothing
after it, and within DOWNLOAD_MAXSIZE and DOWNLOAD_WARNSIZE. Anything else raises `Unread` (the
handler sends the request again through Scrapy's handler). What the connection's end, a timeout or
a StopDownload make of an exchange is what Scrapy's handler makes of them.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import DownloadFailedError, DownloadTimeoutError, ResponseDataLossError, StopDownload
from scrapy.http import Headers, Response
from scrapy.utils._download_handlers import check_stop_download
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived, _DataLoss
from twisted.web.iweb import UNKNOWN_LENGTH

from crawler.extract.memo import remember
from crawler.handlers.wiretap import WIRE, Wire
from crawler.headers import response_class

if TYPE_CHECKING:
    from crawler.handlers.lean import Connection, LeanDownloadHandler

MAX_HEAD = 1 << 16  # a longer status line and headers are Scrapy's to read (or refuse)
# Twisted's parser keeps these out of a response's headers (its CONNECTION_CONTROL_HEADERS).
CONNECTION_HEADERS = frozenset(
    b"content-length connection keep-alive te trailers transfer-encoding upgrade proxy-connection".split()
)
# Header names (lower case) and the keys Headers stores them under: a site's responses repeat a few
# names; a server inventing names empties the memo at these many (memo.remember).
MAX_NAMES = 1000
_KEYS: dict[bytes, bytes] = {}
NO_BODY = (204, 304)  # Twisted's NO_BODY_CODES: a response of length 0 whatever it says
TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")  # a header's name
_HEX = re.compile(rb"[0-9A-Fa-f]+\Z")


def response_headers(length: int, fields: dict[bytes, list[bytes]]) -> Headers:
    """A response's Headers: its Content-Length (if `length` >= 0), then its `fields` (lower-case names,
    each with a list of bytes made for this response) stored as Headers.update stores them, without
    normalising every name and value again: names repeat from response to response."""
    headers = Headers()
    if length >= 0:
        headers[b"Content-Length"] = str(length).encode()
    dict.update(headers, {_header_key(headers, name): values for name, values in fields.items()})
    return headers


def _header_key(headers: Headers, name: bytes) -> bytes:
    """`headers.normkey(name)`: the key Scrapy's Headers stores `name` under."""
    key = _KEYS.get(name)
    return key if key is not None else remember(_KEYS, name, headers.normkey(name), MAX_NAMES)


class Unread(Exception):
    """An exchange this handler leaves to Scrapy's."""


class _Stopped(Exception):
    """A signal handler stopped the download (StopDownload), as the headers or body bytes arrived."""

    def __init__(self, stop: StopDownload, at_headers: bool):
        super().__init__()
        self.stop = stop
        self.at_headers = at_headers


class Exchange:
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
        self.connection: Connection | None = None
        self.opening: asyncio.Future[Connection] | None = None
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

    def start(self, connection: Connection) -> None:
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
            error = Unread()  # a kept-alive connection the server had closed: sent again, as Twisted does
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
        except Unread as exc:
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
                raise Unread
            self.scanned = len(buf)
            return False
        head = bytes(buf[:end])
        bare = head.replace(b"\r\n", b"")
        if b"\r" in bare or b"\n" in bare:  # lines ended by LF alone: Twisted reads them
            raise Unread
        lines = head.split(b"\r\n")
        version, _, rest = lines[0].partition(b" ")
        code = rest[:3]
        if version not in (b"HTTP/1.1", b"HTTP/1.0") or not code.isdigit() or rest[3:4] not in (b"", b" "):
            raise Unread
        self.status = int(code)
        if self.status < 200:
            raise Unread
        fields: dict[bytes, list[bytes]] = {}
        control: dict[bytes, list[bytes]] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon or not TOKEN.match(name):
                raise Unread
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
                raise Unread
        elif b"content-length" in control:
            lengths = control[b"content-length"]
            if len(lengths) != 1 or not lengths[0].isdigit():  # Twisted's to judge
                raise Unread
            self.length = int(lengths[0])
        else:  # delimited by the connection's end
            raise Unread

        request, handler = self.request, self.handler
        meta = request.meta
        meta["download_latency"] = time.monotonic() - self.started
        headers = self.headers = response_headers(self.length, fields)
        # (read once, as Scrapy's handler reads them when the headers are in)
        self.maxsize = meta.get("download_maxsize", handler._default_maxsize)
        self.warnsize = meta.get("download_warnsize", handler._default_warnsize)
        if self._past_limits(self.length):
            raise Unread  # Scrapy's handler cancels or warns
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
                raise Unread  # more than the response
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
                    raise Unread
                self.pos += 2
                self.chunk_left = 0
            eol = buf.find(b"\r\n", self.pos)
            if eol < 0:
                if len(buf) - self.pos > 1024:
                    raise Unread
                return None
            size_field = bytes(buf[self.pos : eol]).split(b";", 1)[0]
            if not _HEX.match(size_field):
                raise Unread
            size = int(size_field, 16)
            if size == 0:  # no trailer: the blank line ends the response
                if len(buf) < eol + 4:
                    return None
                if buf[eol + 2 : eol + 4] != b"\r\n" or len(buf) > eol + 4:
                    raise Unread
                return self._response(b"".join(self.chunks))
            self.pos = eol + 2
            self.chunk_left = size

    def _arrived(self, data: bytes, received: int) -> None:
        """`data` of the body has arrived, `received` bytes of it so far."""
        self._signal(signals.bytes_received, data=data)
        if self._past_limits(received):
            raise Unread

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
        response = response_class(headers, self.url, body)(
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
