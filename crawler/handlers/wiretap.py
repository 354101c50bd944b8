"""A download handler that keeps the bytes of each HTTP/1.1 exchange as they crossed the connection.

Scrapy parses a response's status line and headers into a dict-like object (names re-cased, order
and the reason phrase lost) and rebuilds nothing of the request it wrote. For the WARC archive to
hold what wget, Heritrix and warcprox hold, this handler is Scrapy's own HTTP/1.1 handler with a tap
on the client protocol's connection: every byte the protocol writes for a request and every byte it
receives until the next request are recorded in a `Wire`, which the response's request carries in
`meta[WIRE]` to the WARC writer (archive/exchange.py makes the records of it). TLS is below the tap,
so https exchanges are recorded as plain HTTP, as WARC wants them. Everything else (connection
pooling, timeouts, size limits, proxies) is Scrapy's.

Enabled for http and https by DOWNLOAD_HANDLERS (crawler/settings.py); with another handler the WARC
writer falls back to records rebuilt from Scrapy's response.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.python import to_unicode
from twisted.internet.defer import Deferred
from twisted.web.client import Response as TxResponse
from twisted.web.iweb import IResponse

from crawler.handlers import quick_caller_lookup

with quick_caller_lookup():  # its TLS modules make deprecated classes, which ask inspect their module
    from scrapy.core.downloader.handlers.http11 import (
        HTTP11DownloadHandler,
        _LenientHTTP11ClientFactory,
        _LenientHTTP11ClientProtocol,
        _ScrapyAgent,
    )

# request.meta key: the Wire of the exchange that answered this request.
WIRE = "jcrawl_wire"

logger = logging.getLogger(__name__)


class Wire:
    """The bytes of one exchange: what was sent, what was received (head, body, maybe more)."""

    __slots__ = ("received", "sent")

    def __init__(self) -> None:
        self.sent = bytearray()
        self.received = bytearray()


class _TappedTransport:
    """The connection's transport, recording what the protocol writes into the current Wire."""

    def __init__(self, transport: Any, protocol: TappedProtocol):
        self._transport = transport
        self._protocol = protocol

    def write(self, data: bytes) -> None:
        if self._protocol.wire is not None:
            self._protocol.wire.sent += data
        self._transport.write(data)

    def writeSequence(self, data: list[bytes]) -> None:
        for chunk in data:
            self.write(chunk)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class TappedProtocol(_LenientHTTP11ClientProtocol):
    """Scrapy's HTTP/1.1 client protocol, each request's bytes and its response's bytes recorded."""

    wire: Wire | None = None

    def makeConnection(self, transport: Any) -> None:
        super().makeConnection(_TappedTransport(transport, self))

    def request(self, request: Any) -> Deferred[IResponse]:
        wire = self.wire = Wire()  # a connection carries one exchange at a time (no pipelining)

        def carry(response: IResponse) -> IResponse:
            response._jcrawl_wire = wire
            return response

        return super().request(request).addCallback(carry)

    def dataReceived(self, data: bytes) -> None:
        if self.wire is not None:
            self.wire.received += data
        super().dataReceived(data)


class _TappedFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr: Any) -> TappedProtocol:
        return TappedProtocol(self._quiescentCallback)


class _TappedAgent(_ScrapyAgent):
    """Scrapy's agent; hands the response's Wire to its request's meta."""

    def _cb_bodyready(self, txresponse: TxResponse, request: Request) -> Any:
        request.meta[WIRE] = getattr(txresponse, "_jcrawl_wire", None)
        return super()._cb_bodyready(txresponse, request)

    @staticmethod
    def _headers_from_twisted_response(response: TxResponse) -> Headers:
        """Scrapy's conversion of the response's headers, made once: Scrapy asks for it twice (for the
        headers_received signal, then for the Response)."""
        headers = getattr(response, "_jcrawl_headers", None)
        if headers is None:
            headers = response._jcrawl_headers = _ScrapyAgent._headers_from_twisted_response(response)
        return headers

    def _cb_bodydone(self, result: dict[str, Any], url: str) -> Response:
        """Scrapy's Response of the exchange, holding the Headers made above rather than a copy: a
        Response copies the headers it is made with (every name and value normalised again), so it is
        made without them and then given them (its setter keeps a Headers as it is)."""
        if result.get("stop_download"):  # a download a signal handler stopped: Scrapy's, as it is
            return super()._cb_bodydone(result, url)
        txresponse = result["txresponse"]
        headers = self._headers_from_twisted_response(txresponse)
        body = result.get("body", b"")
        version = txresponse.version
        response = responsetypes.from_args(headers=headers, url=url, body=body)(
            url=url,
            status=int(txresponse.code),
            body=body,
            flags=result.get("flags"),
            certificate=result.get("certificate"),
            ip_address=result.get("ip_address"),
            protocol=f"{to_unicode(version[0])}/{version[1]}.{version[2]}",
        )
        response.headers = headers
        return response


def persistent_per_host(settings: BaseSettings) -> int:
    """Idle connections kept open per host: as many as the crawl may use on one host at once.

    Scrapy keeps CONCURRENT_REQUESTS_PER_DOMAIN, but a download slot (DOWNLOAD_SLOTS, such as the
    loopback slot of crawler/downloadermiddlewares/defaults.py) may allow more, up to
    CONCURRENT_REQUESTS: the connections beyond the kept ones would be closed after each response and
    opened again for the next request.
    """
    slots = settings.getdict("DOWNLOAD_SLOTS")
    most = max(
        [settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")]
        + [int(slot.get("concurrency", 0)) for slot in slots.values() if isinstance(slot, dict)]
    )
    return max(1, min(most, settings.getint("CONCURRENT_REQUESTS")))


class WiretapDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler whose connections record their bytes (see the module)."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._pool._factory = _TappedFactory
        self._pool.maxPersistentPerHost = persistent_per_host(crawler.settings)

    async def download_request(self, request: Request) -> Response:
        request.meta.pop(WIRE, None)  # a retry's meta is a copy of the failed attempt's
        self._crawler.stats.inc_value("jcrawl/http/scrapy")  # exchanges made by Scrapy's client
        agent = _TappedAgent(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        # The rest as in Scrapy's HTTP11DownloadHandler.download_request, which builds its own agent.
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))
        except ResponseDataLossError:
            self.warn_of_dataloss(request)
            raise

    def warn_of_dataloss(self, request: Request) -> None:
        """Scrapy's warning, once a crawl, that a body cut short failed its request."""
        if not self._fail_on_dataloss_warned:
            logger.warning(get_dataloss_msg(request.url))
            self._fail_on_dataloss_warned = True
