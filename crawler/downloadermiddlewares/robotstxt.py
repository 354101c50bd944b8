"""robots.txt fetched once per host and crawl: archived once, shared by the spider's request and the rules."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.failures import Disallowed, exception_message
from crawler.requests import REUSED

# request.meta key of the request that fetches a host's robots.txt (its netloc).
ROBOTS_FETCH = "jcrawl_robots_fetch"


# Response flag: a response handed out again (robots.txt), already in the archive.
ALREADY_ARCHIVED = "jcrawl_already_archived"


class RobotsTxtOnceMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, fetching each host's robots.txt once per crawl.

    The spider asks for robots.txt too (it reads the Sitemap lines), and Scrapy's middleware would
    fetch its own copy for the rules, so the archive got robots.txt twice (the second a revisit).
    Here whichever request for robots.txt comes first is the fetch the rules are read from (the
    spider's own, or the middleware's); a later request for it gets that response again, marked
    ALREADY_ARCHIVED so that the WARC writer does not store it twice, or, if the fetch failed after its
    retries, IgnoreRequest saying why (the host is not asked again, nor its retries repeated).
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.responses: dict[str, Response] = {}  # netloc -> its robots.txt response
        self.failures: dict[str, str] = {}  # netloc -> why its robots.txt could not be fetched

    def process_request(self, request: Request) -> Coroutine[Any, Any, Response | None] | None:
        # A coroutine only where there is something to wait for: most requests go to a host whose rules
        # are in, and are checked against them at once, as Scrapy's coroutine would without waiting.
        meta = request.meta
        if meta.get(ROBOTS_FETCH):  # the fetch itself, or its redirect or retry
            return None
        url = urlparse_cached(request)
        if url.path == "/robots.txt" and not meta.get("dont_obey_robotstxt"):
            return self._robots_request(request, url.netloc)
        if meta.get("dont_obey_robotstxt") or request.url.startswith(("data:", "file:")):
            return None  # (as Scrapy's process_request)
        parsers = self._parsers
        if url.netloc not in parsers or isinstance(parsers[url.netloc], Deferred):  # to fetch, or in flight
            return super().process_request(request)
        self.process_request_2(parsers[url.netloc], request)
        return None

    async def _robots_request(self, request: Request, netloc: str) -> Response | None:
        """A request for robots.txt: the fetch, or the response of the host's fetch again."""
        if netloc not in self._parsers:  # the first word about this host: this request asks
            self._parsers[netloc] = Deferred()
            request.meta[ROBOTS_FETCH] = netloc
            return None
        await self.robot_parser(request)  # fetched, or being fetched by another request
        earlier = self.responses.get(netloc)
        if earlier is not None:
            self._stats.inc_value(REUSED)
            return earlier.replace(request=request, flags=[*earlier.flags, ALREADY_ARCHIVED])
        if netloc in self.failures:  # that fetch failed, retries and all: not asked again
            raise IgnoreRequest(f"robots.txt of {netloc} could not be fetched: {self.failures[netloc]}")
        return await super().process_request(request)

    def process_response(
        self, request: Request, response: Response
    ) -> Response | Coroutine[Any, Any, Response]:
        netloc = request.meta.get(ROBOTS_FETCH)
        if netloc and isinstance(self._parsers.get(netloc), Deferred):
            return self._robots_response(request, response, netloc)
        return response

    async def _robots_response(self, request: Request, response: Response, netloc: str) -> Response:
        """The response of a host's robots.txt fetch: its rules are read from it."""
        self._stats.inc_value("robotstxt/request_count")
        await self._parse_robots(response, netloc, request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        netloc = request.meta.get(ROBOTS_FETCH)
        if netloc and isinstance(self._parsers.get(netloc), Deferred):
            self._robots_error(exception, netloc)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        """Scrapy's check, raising Disallowed (crawler/failures.py) for what robots.txt forbids."""
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            raise Disallowed(str(exc)) from None

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        """The fetch failed (the spider's request, or Scrapy's own for the rules): remember why."""
        self.failures[netloc] = exception_message(exc)
        super()._robots_error(exc, netloc)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self.responses[netloc] = response
        await super()._parse_robots(response, netloc, request)
