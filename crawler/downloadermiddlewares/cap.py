"""`--max-pages N`: a hard cap on the requests a crawl sends.

Scrapy's CLOSESPIDER_PAGECOUNT closes the spider once N responses arrived, while the requests
already in flight still go out. This downloader middleware counts every request the downloader is
about to send (robots.txt, redirects and retries included; not those robots.txt forbids, which are
never sent), lets the first JCRAWL_MAX_REQUESTS through, drops the rest (Dropped: no error) and closes the
spider with the reason `max_pages`. 0 = no cap.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.failures import Dropped

CLOSE_REASON = "max_pages"


class RequestCapMiddleware:
    """Downloader middleware: at most JCRAWL_MAX_REQUESTS requests per crawl."""

    def __init__(self, crawler: Crawler, cap: int):
        self.crawler = crawler
        self.cap = cap
        self.sent = 0
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestCapMiddleware:
        cap = crawler.settings.getint("JCRAWL_MAX_REQUESTS")
        if cap <= 0:
            raise NotConfigured
        return cls(crawler, cap)

    def process_request(self, request: Request) -> None:
        if self.sent < self.cap:
            self.sent += 1
            return
        if not self.closing:
            self.closing = True
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=CLOSE_REASON))
        self.crawler.stats.inc_value("jcrawl/max_pages/dropped")
        raise Dropped(f"--max-pages: {self.cap} requests sent")
