"""Page requisites: what a page needs to replay as it looked (stylesheets and what they import,
scripts, images, fonts), fetched once per crawl so that the archive holds them beside the page.

`RequisitesMiddleware` (a spider middleware) reads each HTML page the spider parsed and each
stylesheet it fetched for the URLs they need, and requests those not requested yet in this crawl.
Their responses are archived like any other (a requisite the archive already holds, byte for byte,
becomes a revisit record, archive/revisit.py) and never extracted as pages. Requisites on the
crawl's own site are fetched by default; other hosts (CDNs) only when JCRAWL_REQUISITE_HOSTS lists
them (a host matches itself and its subdomains); JCRAWL_REQUISITES = False turns them off.

The page's requisites are found by a scan of its markup (requisite_urls.py), made by the extraction
worker beside the page's extraction when the page went to one (crawler/extraction_pool.py), here
otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.pages import is_html, mime_type
from crawler import requests as request_kinds
from crawler.failures import describe, not_an_error
from crawler.items import ErrorItem
from crawler.spidermiddlewares.requisite_urls import page_requisites, stylesheet_requisites
from crawler.urls import site_of

# request.meta key: this request fetches a requisite.
REQUISITE = "jcrawl_requisite"
# Requisites go after the pages that lead to articles (1) and with the site's chrome (0).
PRIORITY = 0
# response.meta key: the page's requisites, found by the extraction worker (`page_requisites`).
FOUND = "jcrawl_requisites"


class RequisitesMiddleware:
    """Spider middleware: requests for each parsed page's requisites, once per crawl (see the module).

    It sits nearer the engine than the frontier (crawler/frontier.py), so requisites are not part of
    the persisted frontier: a resumed crawl fetches the requisites of the pages it fetches again.
    """

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        hosts = settings.getlist("JCRAWL_REQUISITE_HOSTS")
        self.hosts = tuple(h.strip().lower().lstrip(".") for h in hosts if h.strip())
        self.requested: set[bytes] = set()  # 8-byte digests of the URLs requested (memory stays small)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequisitesMiddleware:
        if not crawler.settings.getbool("JCRAWL_REQUISITES"):
            raise NotConfigured
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from result
        yield from self._requisites_of(response)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for output in result:
            yield output
        for request in self._requisites_of(response):
            yield request

    def _requisites_of(self, response: Response) -> Iterator[Request]:
        """Requests for the requisites of a page the spider parsed (a 2xx HTML page, not a requisite)."""
        if response.meta.get(REQUISITE) or not 200 <= response.status < 300:
            return
        found = response.meta.get(FOUND)
        if found is None:  # not found by an extraction worker: the page is scanned here, if HTML
            content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
            if not is_html(content_type, response.body):
                return
            found = page_requisites(response.body, response.url)
        yield from self._requests(found, response.url)

    def _requests(self, urls: list[str], referer: str) -> Iterator[Request]:
        site = getattr(self.crawler.spider, "site", None)
        for url in urls:
            if site_of(url) != site and not self._allowed_host(url):
                continue
            key = hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest()
            if key in self.requested:
                continue
            self.requested.add(key)
            yield Request(
                url,
                callback=self.requisite_fetched,
                errback=self.requisite_failed,
                priority=PRIORITY,
                headers={"Referer": referer},
                meta={REQUISITE: True, "allow_offsite": True},
                dont_filter=True,  # requested once by the digests above; a page may share its URL
            )

    def _allowed_host(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == allowed or host.endswith("." + allowed) for allowed in self.hosts)

    def requisite_fetched(self, response: Response) -> Iterator[Any]:
        """A requisite is archived (the WARC writer did that); a stylesheet adds what it loads."""
        request_kinds.count_request(self.crawler.stats, request_kinds.REQUISITE)
        if response.status >= 400:
            yield ErrorItem(response.url, "http", f"HTTP {response.status} (a page requisite)")
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if mime_type(content_type) == "text/css" or (not content_type and response.url.endswith(".css")):
            # what a stylesheet loads is asked for with the stylesheet as Referer, as browsers do
            yield from self._requests(stylesheet_requisites(response.body, response.url), response.url)

    def requisite_failed(self, failure: Failure) -> Iterator[ErrorItem]:
        request = getattr(failure, "request", None)
        if request is None or not_an_error(failure):
            return
        request_kinds.count_request(self.crawler.stats, request_kinds.REQUISITE)
        kind, message = describe(failure)
        yield ErrorItem(request.url, kind, f"{message} (a page requisite)")
