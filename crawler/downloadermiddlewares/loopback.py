"""Our own servers on 127.0.0.0/8 are exempt from politeness delays, so local runs go at full speed."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from crawler.urls import is_loopback

LOOPBACK_SLOT = "loopback"


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
