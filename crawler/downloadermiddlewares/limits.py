"""Bodies too big or too slow are cut, and what arrived is kept and flagged, never thrown away.

Scrapy's own DOWNLOAD_MAXSIZE cancels a download and yields nothing; an archive wants the first bytes
and a note saying they are not all. So this middleware turns Scrapy's size check off for the download
and stops the body itself (`StopDownload(fail=False)` from a signal handler gives a partial response):

- at JCRAWL_MAX_BODY_SIZE bytes (WARC-Truncated: length),
- JCRAWL_MAX_BODY_SECONDS after the headers arrived, for bodies that trickle (WARC-Truncated: time).

A body the server cut short of its Content-Length (kept because DOWNLOAD_FAIL_ON_DATALOSS is False) is
flagged too (WARC-Truncated: disconnect). The WARC middleware writes the flag into the response record
and the spider records an `errors` row of kind `truncated`.
"""

from __future__ import annotations

import logging
import time
import weakref
from dataclasses import dataclass

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload
from scrapy.http import Headers, Response

logger = logging.getLogger(__name__)

# request.meta key: why this middleware stopped the body ("length" or "time").
TRUNCATED = "jcrawl_truncated"


def truncation(flags: list[str], meta: dict) -> str | None:
    """The WARC-Truncated reason of a response (its flags and its request's meta), None if whole."""
    if "download_stopped" in flags:
        return meta.get(TRUNCATED, "unspecified")
    if "dataloss" in flags:
        return "disconnect"
    return None


@dataclass(slots=True)
class _Body:
    started: float
    received: int = 0


class BodyLimitMiddleware:
    """Cut bodies at JCRAWL_MAX_BODY_SIZE bytes or JCRAWL_MAX_BODY_SECONDS, keeping what arrived (0 = off)."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.max_size = settings.getint("JCRAWL_MAX_BODY_SIZE")
        self.max_seconds = settings.getfloat("JCRAWL_MAX_BODY_SECONDS")
        self.max_decompressed = settings.getint("DOWNLOAD_MAXSIZE")
        self.warn_decompressed = settings.getint("DOWNLOAD_WARNSIZE")
        self.bodies: weakref.WeakKeyDictionary[Request, _Body] = weakref.WeakKeyDictionary()
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BodyLimitMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        # The download handler would cancel a big download outright; this middleware cuts it instead.
        meta = request.meta
        meta["download_maxsize"] = 0
        meta["download_warnsize"] = 0

    def process_response(self, request: Request, response: Response) -> Response:
        # HttpCompressionMiddleware (nearer the engine) reads the same keys: decompressed bodies stay
        # bounded by DOWNLOAD_MAXSIZE, the guard against compression bombs.
        meta = request.meta
        meta["download_maxsize"] = self.max_decompressed
        meta["download_warnsize"] = self.warn_decompressed
        reason = truncation(response.flags, meta)
        if reason is not None:
            self.stats.inc_value(f"jcrawl/truncated/{reason}")
            logger.warning("Truncated (%s): %s, kept %d bytes", reason, response.url, len(response.body))
        return response

    def headers_received(self, headers: Headers, body_length: int, request: Request, spider: object) -> None:
        self.bodies[request] = _Body(time.monotonic())
        request.meta.pop(TRUNCATED, None)  # a retry's meta is a copy of the failed attempt's

    def bytes_received(self, data: bytes, request: Request, spider: object) -> None:
        body = self.bodies.get(request)
        if body is None:
            body = self.bodies[request] = _Body(time.monotonic())
        body.received += len(data)
        if self.max_size and body.received > self.max_size:
            request.meta[TRUNCATED] = "length"
        elif self.max_seconds and time.monotonic() - body.started > self.max_seconds:
            request.meta[TRUNCATED] = "time"
        else:
            return
        del self.bodies[request]
        raise StopDownload(fail=False)
