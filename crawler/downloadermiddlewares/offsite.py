"""Scrapy's offsite filter, deciding each host once rather than each request twice."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares import offsite
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached


class OffsiteMiddleware(offsite.OffsiteMiddleware):
    """Scrapy's OffsiteMiddleware (the spider's `allowed_domains`; meta `allow_offsite` and dont_filter
    let a request through). Scrapy's checks every request twice, when it is scheduled and before it is
    sent, each time reading `allowed_domains` again and matching the host against them; here the hosts
    found on the site are remembered until `allowed_domains` changes, and a request to any other host
    is decided (and dropped, counted and logged) by Scrapy's own code."""

    def __init__(self, stats: StatsCollector):
        super().__init__(stats)
        self._onsite: set[str | None] = set()
        self._domains: list[str] = []  # the `allowed_domains` the hosts in _onsite were matched against

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        self.process_request(request)

    def process_request(self, request: Request) -> None:
        if request.dont_filter or request.meta.get("allow_offsite"):
            return
        allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
        if allowed != self._domains:  # another list, or the list changed: every host is decided again
            self._domains, self._onsite = list(allowed), set()
        host = urlparse_cached(request).hostname
        if host in self._onsite:
            return
        super().process_request(request)  # IgnoreRequest if the host is not on the site
        self._onsite.add(host)
