"""Downloader middleware that records every request and raw response in the WARC archive."""

from __future__ import annotations

import http
import io
import json
import platform
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, NamedTuple

import scrapy
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.utils.httpobj import urlparse_cached
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from archive.exchange import split_exchange
from archive.revisit import (
    Original,
    PeerCaptures,
    RevisitIndex,
    entity_digest,
    payload_digest,
    revisit_record,
)
from archive.writer import EMPTY_PAYLOAD_DIGEST, HttpRecord, RecordLocation, WarcFileWriter, WarcWriteError
from crawler import __version__
from crawler.downloadermiddlewares.limits import truncation
from crawler.downloadermiddlewares.robotstxt import ALREADY_ARCHIVED
from crawler.extract import Article
from crawler.handlers.wiretap import WIRE
from crawler.headers import header
from crawler.items import PageItem
from crawler.run.fatal import CrawlStopping, stop_crawl
from crawler.store import Store

# Sent with `capture=dict` after each response record is on disk; the store pipeline listens.
capture_recorded = object()
# Send with `uri`, `content_type` and `data` to archive a `resource` record of the crawler's own (a site
# profile); the handler returns the record's RecordLocation once it is on disk.
archive_resource = object()
# warcinfo fields naming the crawl a file belongs to, so `jcrawl reparse` can rebuild the `crawls` table.
CRAWL_ID_FIELD = "jcrawl-crawl-id"
CRAWL_STARTED_FIELD = "jcrawl-crawl-started"
SITE_FIELD = "jcrawl-site"

# Settings worth knowing when reading the archive later; they go into each warcinfo record.
RECORDED_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "DEPTH_LIMIT",
    "CLOSESPIDER_PAGECOUNT",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "JCRAWL_MAX_BODY_SIZE",
    "JCRAWL_MAX_BODY_SECONDS",
)


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy headers as (name, value) pairs, one pair per value, so repeated headers all survive."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def warcinfo(crawler: Crawler) -> dict[str, Any]:
    """The fields of the warcinfo record that opens each WARC file."""
    settings = crawler.settings
    spider = crawler.spider
    return {
        "software": f"journal-crawler/{__version__} "
        f"(Scrapy {scrapy.__version__}, warcio {version('warcio')})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "operator": settings.get("WARC_OPERATOR"),
        "hostname": platform.node(),
        "http-header-user-agent": settings.get("USER_AGENT"),
        "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        "isPartOf": getattr(spider, "start_url", None),
        "crawl-settings": json.dumps(
            {name: settings.get(name) for name in RECORDED_SETTINGS}, sort_keys=True
        ),
        CRAWL_ID_FIELD: crawler.stats.get_value("jcrawl/crawl_id"),
        CRAWL_STARTED_FIELD: _iso(crawler.stats.get_value("start_time")),
        SITE_FIELD: json.dumps(settings.getdict("JCRAWL_SITE"), sort_keys=True)
        if settings.get("JCRAWL_SITE")
        else "",
    }


class Exchanged(NamedTuple):
    """What `write_exchange` wrote: the response (or revisit) record's location, id and WARC-Date, the
    capture a revisit refers to, the response's payload digest (as WARC 1.1 defines it, also where
    the record leaves it out), and why the body was cut short (None if it was not)."""

    location: RecordLocation
    record_id: str
    date: str
    original: Original | None
    digest: str | None
    truncated: str | None


def outlinks_block(article: Article) -> bytes:
    """The warc-fields body of a page's `metadata` record: one `outlink: URL KIND` line per link."""
    lines = [f"outlink: {link.url} {link.kind}" for link in article.links]
    lines += [f"outlink: {url} feed" for url in article.feeds]
    return "".join(line + "\r\n" for line in lines).encode("utf-8")


class WarcArchiveMiddleware:
    """Write a `request` and a `response` record for each download, as the server sent it.

    Placed next to the downloader (order 950), so it sees each redirect hop and the body before
    HttpCompressionMiddleware decompresses it. The record's location goes into `request.meta["capture"]`
    and out through the `capture_recorded` signal. A response the archive already holds (a 304, or
    the payload of the URL's last full capture) is written as a `revisit` record (archive/revisit.py).
    With WARC_METADATA_RECORDS, each extracted page also gets a `metadata` record of its outlinks once
    the spider has parsed it.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.directory = Path(settings.get("JCRAWL_ARCHIVE")) / "warc"
        self.writer: WarcFileWriter | None = None
        self.store = Store(settings.get("JCRAWL_ARCHIVE"))  # read: the last capture of each URL
        # A cluster worker's store is its own; the archive's database knows what other workers took.
        shared = settings.get("JCRAWL_PLAN_ARCHIVE")
        self.shared = Store(shared, read_only=True) if shared else None
        self.revisits = RevisitIndex(self.store, shared=self.shared, peers=self.peers(crawler))
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.write_resource, signal=archive_resource)
        if settings.getbool("WARC_METADATA_RECORDS"):
            crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        return cls(crawler)

    def _writer(self) -> WarcFileWriter:
        if self.writer is None:  # created lazily: the spider (and its start URL) exists by now
            settings = self.crawler.settings
            self.writer = WarcFileWriter(
                self.directory,
                settings.get("WARC_PREFIX"),
                settings.getint("WARC_MAX_SIZE"),
                warcinfo(self.crawler),
            )
        return self.writer

    def process_response(self, request: Request, response: Response) -> Response:
        if ALREADY_ARCHIVED in response.flags:  # robots.txt served again (downloadermiddlewares/robotstxt.py)
            return response
        written = self._written(self.write_exchange, request, response)
        headers = response.headers
        capture = {
            "record_id": written.record_id,
            "url": response.url,
            "fetched_at": written.date,
            "status": response.status,
            "content_type": _header(headers, b"Content-Type"),
            "warc_file": written.location.file,
            "warc_offset": written.location.offset,
            "warc_length": written.location.length,
            "payload_digest": written.digest,
            "etag": _header(headers, b"Etag"),  # (as Headers stores the name)
            "last_modified": _header(headers, b"Last-Modified"),
            "revisit_of": written.original.capture_id if written.original else None,
        }
        request.meta["capture"] = capture
        self.crawler.signals.send_catch_log(signal=capture_recorded, capture=capture)
        if written.original is None:
            self.revisits.remember(capture, whole=not written.truncated)
        return response

    def _written(self, write: Callable[..., Any], *args: Any) -> Any:
        """`write(*args)`; a full disk stops the crawl: the archive is the source of truth."""
        try:
            return write(*args)
        except WarcWriteError as exc:
            stop_crawl(self.crawler, f"cannot write the WARC archive: {exc}")
            raise CrawlStopping(str(exc)) from exc

    def item_scraped(self, item: Any, response: Response) -> None:
        """Write the `metadata` record of an extracted page, pointing at its response record."""
        capture = response.meta.get("capture")
        if isinstance(item, PageItem) and capture:
            self._written(self.write_metadata, capture, item.article)

    def write_metadata(self, capture: dict[str, Any], article: Article) -> RecordLocation:
        """Write a `metadata` record of the page's outlinks, WARC-Concurrent-To its response record."""
        writer = self._writer()
        block = outlinks_block(article)
        record = writer.builder.create_warc_record(
            capture["url"],
            "metadata",
            payload=io.BytesIO(block),
            length=len(block),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Concurrent-To": capture["record_id"]},
        )
        return writer.write(record)

    def write_exchange(self, request: Request, response: Response) -> Exchanged:
        """Write the response (or revisit) record, then the request record pointing at it."""
        writer = self._writer()
        builder = writer.builder
        extra = {"WARC-IP-Address": str(response.ip_address)} if response.ip_address else {}
        meta = request.meta
        truncated = truncation(response.flags, meta)
        if truncated is not None:  # the body is what arrived before the limit or the disconnect
            extra["WARC-Truncated"] = truncated
        wire = meta.pop(WIRE, None)
        exchange = (
            split_exchange(
                wire.sent, wire.received, request.method, len(response.body) if truncated else None
            )
            if wire is not None
            else None
        )
        if exchange is not None:  # the bytes as they crossed the connection (crawler/handlers/wiretap.py)
            http_headers, payload = exchange.response_head, exchange.response_body
            request_headers, request_body = exchange.request_head, exchange.request_body
        else:  # another download handler: rebuilt from what Scrapy parsed
            http_headers, payload = _rebuilt_response(response), response.body
            request_headers, request_body = _rebuilt_request(request), request.body
        # The payload digest as WARC 1.1 defines it, computed once: for the record (where it states
        # one), the capture's row, and the comparison with the URL's last capture.
        digest = entity_digest(http_headers, payload)
        revisit = None if truncated else self.revisits.match(response.url, response.status, digest)
        original = revisit[1] if revisit else None
        response_record: ArcWarcRecord | HttpRecord
        if revisit:
            response_record = revisit_record(builder, response.url, *revisit, http_headers, extra)
            record_id = response_record.rec_headers.get_header("WARC-Record-ID")
            date = response_record.rec_headers.get_header("WARC-Date")
            digest = original.digest if original else None
        else:
            response_record = builder.http_record(
                "response", response.url, http_headers, payload, extra, digest
            )
            record_id, date = (
                response_record.get_header("WARC-Record-ID"),
                response_record.get_header("WARC-Date"),
            )
        request_record = builder.http_record(
            "request",
            response.url,
            request_headers,
            request_body,
            {"WARC-Date": date, "WARC-Concurrent-To": record_id},
            payload_digest(request_body) if request_body else EMPTY_PAYLOAD_DIGEST,
        )
        location, _ = writer.write_records([response_record, request_record])
        return Exchanged(location, record_id, date, original, digest, truncated)

    def write_resource(self, uri: str, content_type: str, data: bytes) -> RecordLocation:
        """Archive `data` as a `resource` record and return where it lies (raises WarcWriteError)."""
        writer = self._writer()
        record = writer.builder.create_warc_record(
            uri, "resource", payload=io.BytesIO(data), length=len(data), warc_content_type=content_type
        )
        return writer.write(record)

    def peers(self, crawler: Crawler) -> PeerCaptures | None:
        """Who else captures this crawl's pages while it runs: nobody, but in a cluster (its subclass)."""
        return None

    def spider_closed(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.store.close()
        if self.shared is not None:
            self.shared.close()


def _rebuilt_response(response: Response) -> StatusAndHeaders:
    """A response's status line and headers rebuilt from what Scrapy parsed (names re-cased, the
    reason phrase the standard one), for a response that came through another download handler."""
    # Scrapy hands over the body de-chunked, so a Transfer-Encoding header would misdescribe it.
    headers = [(k, v) for k, v in header_pairs(response.headers) if k.lower() != "transfer-encoding"]
    try:
        reason = http.HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    return StatusAndHeaders(
        f"{response.status} {reason}".strip(), headers, protocol=response.protocol or "HTTP/1.1"
    )


def _rebuilt_request(request: Request) -> StatusAndHeaders:
    """A request's line and headers rebuilt from the Scrapy request."""
    parts = urlparse_cached(request)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(
        f"{request.method} {target} HTTP/1.1",
        [("Host", parts.netloc), *header_pairs(request.headers)],
        is_http_request=True,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else None


def _header(headers: Headers, name: bytes) -> str | None:
    value = header(headers, name)
    return value.decode("latin-1") if value is not None else None
