"""Redirect loops and long chains end with an error the spider records, not silently; responses that
are no redirect leave Scrapy's RedirectMiddleware at once."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import redirect
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already on the request's redirect chain."""


class TooManyRedirects(IgnoreRequest):
    """A redirect chain longer than REDIRECT_MAX_TIMES."""


class RedirectGuardMiddleware:
    """Cut a redirect chain that loops or runs past REDIRECT_MAX_TIMES hops, naming the chain.

    Runs just before Scrapy's RedirectMiddleware sees the response. Without it a loop ends quietly
    (the repeated URL is dropped as a duplicate request) and a long chain ends with a bare
    "max redirections reached"; with it the request's errback gets an exception saying which URLs
    went round, and the spider records it in `errors`. Every hop is in the WARC all the same.
    """

    def __init__(self, max_hops: int):
        self.max_hops = max_hops

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler.settings.getint("REDIRECT_MAX_TIMES"))

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_STATUSES:  # before the header lookup: most responses
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        target = safe_url_string(response.urljoin(location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise RedirectLoop("redirect loop: " + " -> ".join([*chain[chain.index(target) :], target]))
        if len(chain) > self.max_hops:
            raise TooManyRedirects(
                f"more than {self.max_hops} redirects (REDIRECT_MAX_TIMES): {chain[0]} -> ... -> {target}"
            )
        return response


class RedirectMiddleware(redirect.RedirectMiddleware):
    """Scrapy's RedirectMiddleware, giving back a response whose status is no redirect at once: Scrapy's
    first reads the request's meta and the spider for how to treat it, then gives it back all the same."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in REDIRECT_STATUSES:
            return response
        return super().process_response(request, response)
