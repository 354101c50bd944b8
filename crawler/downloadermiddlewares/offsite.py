"""Scrapy's offsite filter, each host's answer remembered.

Scrapy's OffsiteMiddleware checks every request twice (when it is scheduled and again before it is
downloaded), each time copying the spider's `allowed_domains` to see whether they changed and
running the host regex. A crawl meets few hosts: here the answer for each is kept, as long as the
spider's `allowed_domains` (compared by identity: the journal spider sets them once) stay the same.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.utils.httpobj import urlparse_cached

# Hosts remembered at most (a crawl that meets more starts again: the answers are cheap to redo).
MAX_HOSTS = 10_000


class HostCachedOffsiteMiddleware(OffsiteMiddleware):
    """OffsiteMiddleware whose `should_follow` answers each host from memory after the first time."""

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)
        self._hosts: dict[str, bool] = {}
        self._domains: object = None  # the allowed_domains object the answers were given for

    def should_follow(self, request: Request, spider: Spider) -> bool:
        host = urlparse_cached(request).hostname or ""
        domains = getattr(spider, "allowed_domains", None)
        if domains is not self._domains or len(self._hosts) >= MAX_HOSTS:
            self._hosts, self._domains = {}, domains
        follow = self._hosts.get(host)
        if follow is None:
            follow = self._hosts[host] = super().should_follow(request, spider)
        return follow
