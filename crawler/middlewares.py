"""Downloader middlewares of the crawler itself (the WARC writer lives in `archive.middleware`)."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import redirect
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from archive.decoding import ACCEPTED_CODINGS, BodyTooLarge, content_codings, decode_content
from crawler.urls import is_loopback

LOOPBACK_SLOT = "loopback"
# request.meta key of the request that fetches a host's robots.txt (its netloc).
ROBOTS_FETCH = "jcrawl_robots_fetch"
# Response flag: a response handed out again (robots.txt), already in the archive.
ALREADY_ARCHIVED = "jcrawl_already_archived"


class LoopbackMiddleware:
    """Exempt our own servers on 127.0.0.1 from politeness delays, so local tests run at full speed.

    Loopback requests go to the download slot `loopback` (configured in DOWNLOAD_SLOTS with no delay)
    and AutoThrottle is told not to slow that slot down. Real sites keep the polite defaults.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LoopbackMiddleware:
        if not crawler.settings.getbool("JCRAWL_LOOPBACK_EXEMPT"):
            raise NotConfigured
        return cls()

    def process_request(self, request: Request) -> None:
        if is_loopback(urlparse_cached(request).hostname):
            request.meta["download_slot"] = LOOPBACK_SLOT
            request.meta["autothrottle_dont_adjust_delay"] = True


class ContentDecodingMiddleware:
    """Scrapy's HttpCompressionMiddleware, through the archive's own decoder (archive/decoding.py).

    It asks for gzip, deflate, br and zstd and decodes what comes back, stacked codings included,
    with the very function `reparse` and `import` decode archived bodies with, so the database
    rebuilt from the WARC files has the pages the crawl had. A decoded body is bounded by
    DOWNLOAD_MAXSIZE (or the request's `download_maxsize`): a bigger one is ignored, as Scrapy
    ignores it. A body that does not decode fails the request with UndecodableBody, which the spider
    records as an `errors` row of kind `decoding`.
    """

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentDecodingMiddleware:
        if not crawler.settings.getbool("COMPRESSION_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        request.headers.setdefault("Accept-Encoding", ", ".join(ACCEPTED_CODINGS))

    def process_response(self, request: Request, response: Response) -> Response:
        codings = content_codings(response.headers.getlist("Content-Encoding"))
        if request.method == "HEAD" or not codings:
            return response
        try:
            body, left = decode_content(
                response.body, codings, request.meta.get("download_maxsize", self.max_size)
            )
        except BodyTooLarge as exc:
            raise IgnoreRequest(f"Ignored {response.url}: {exc}") from None
        if len(left) == len(codings):  # nothing known to decode (e.g. `compress`): left as it came
            return response
        self.stats.inc_value("httpcompression/response_count")
        self.stats.inc_value("httpcompression/response_bytes", len(body))
        headers = response.headers.copy()
        if left:
            headers[b"Content-Encoding"] = ", ".join(left)
        else:
            del headers[b"Content-Encoding"]
        kwargs: dict[str, Any] = {"body": body, "headers": headers}
        response_class = responsetypes.from_args(headers=headers, url=response.url, body=body)
        if issubclass(response_class, TextResponse):
            kwargs["encoding"] = None  # guessed again from the decoded body, as Scrapy does
        return response.replace(cls=response_class, **kwargs)


class RobotsTxtOnceMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, fetching each host's robots.txt once per crawl.

    The spider asks for robots.txt too (it reads the Sitemap lines), and Scrapy's middleware would
    fetch its own copy for the rules, so the archive got robots.txt twice (the second a revisit).
    Here whichever request for robots.txt comes first is the fetch the rules are read from (the
    spider's own, or the middleware's); a later request for it gets that response again, marked
    ALREADY_ARCHIVED so that the WARC writer does not store it twice.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.responses: dict[str, Response] = {}  # netloc -> its robots.txt response

    async def process_request(self, request: Request) -> Response | None:
        if request.meta.get(ROBOTS_FETCH):  # the fetch itself, or its redirect or retry
            return None
        url = urlparse_cached(request)
        if url.path == "/robots.txt" and not request.meta.get("dont_obey_robotstxt"):
            if url.netloc not in self._parsers:  # the first word about this host: this request asks
                self._parsers[url.netloc] = Deferred()
                request.meta[ROBOTS_FETCH] = url.netloc
                return None
            await self.robot_parser(request)  # fetched, or being fetched by another request
            earlier = self.responses.get(url.netloc)
            if earlier is not None:
                return earlier.replace(request=request, flags=[*earlier.flags, ALREADY_ARCHIVED])
        return await super().process_request(request)

    async def process_response(self, request: Request, response: Response) -> Response:
        netloc = request.meta.get(ROBOTS_FETCH)
        if netloc and isinstance(self._parsers.get(netloc), Deferred):
            self._stats.inc_value("robotstxt/request_count")
            await self._parse_robots(response, netloc, request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        netloc = request.meta.get(ROBOTS_FETCH)
        if netloc and isinstance(self._parsers.get(netloc), Deferred):
            self._robots_error(exception, netloc)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self.responses[netloc] = response
        await super()._parse_robots(response, netloc, request)


class MetaRefreshMiddleware(redirect.MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, which decodes a whole page to look for a `<meta http-equiv=
    refresh>` in its first 4,096 characters: here only a page whose first bytes name `refresh` is
    looked at (16 KiB hold 4,096 characters in any ASCII-compatible encoding; a page with NUL bytes
    there, UTF-16 or UTF-32, is looked at too)."""

    SCAN = 4 * 4096

    def process_response(self, request: Request, response: Response) -> Request | Response:
        head = response.body[: self.SCAN]
        if b"\x00" not in head and b"refresh" not in head.lower():
            return response
        return super().process_response(request, response)
