"""What every request gets before it is sent, in one downloader middleware instead of four.

Scrapy gives a request its DEFAULT_REQUEST_HEADERS, its User-Agent and its DOWNLOAD_TIMEOUT in three
middlewares (DefaultHeaders, UserAgent, DownloadTimeout), each a call per request through the
middleware chain; here one call does the three, in the same order (so the request's header block,
which the WARC request record holds, is the same), and one more job of ours: our own servers on
127.0.0.0/8 are exempt from politeness delays, so local runs go at full speed. Loopback requests go to
the download slot `loopback` (configured in DOWNLOAD_SLOTS with no delay, JCRAWL_LOOPBACK_EXEMPT) and
AutoThrottle is told not to slow that slot down. Real sites keep the polite defaults.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Headers
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.python import without_none_values

from crawler.headers import default_header
from crawler.urls import is_loopback

LOOPBACK_SLOT = "loopback"


class RequestDefaultsMiddleware:
    """Default headers, User-Agent, download timeout and the loopback slot (see the module)."""

    def __init__(
        self, headers: dict[str, str], user_agent: str | None, timeout: float, loopback_exempt: bool
    ):
        defaults = Headers(headers)
        if user_agent:  # after the default headers, as Scrapy's UserAgentMiddleware (500) set it
            defaults.setdefault("User-Agent", user_agent)
        # Names and values as Headers keeps them (title-case bytes, lists of bytes), made once here
        # rather than for every request.
        self.headers = list(dict.items(defaults))
        self.timeout = timeout
        self.loopback_exempt = loopback_exempt

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestDefaultsMiddleware:
        settings = crawler.settings
        return cls(
            without_none_values(settings.getdict("DEFAULT_REQUEST_HEADERS")),
            settings.get("USER_AGENT"),
            settings.getfloat("DOWNLOAD_TIMEOUT"),
            settings.getbool("JCRAWL_LOOPBACK_EXEMPT"),
        )

    def process_request(self, request: Request) -> None:
        headers, meta = request.headers, request.meta
        for name, value in self.headers:
            default_header(headers, name, value)
        if self.timeout:
            meta.setdefault("download_timeout", self.timeout)
        if self.loopback_exempt and is_loopback(urlparse_cached(request).hostname):
            meta["download_slot"] = LOOPBACK_SLOT
            meta["autothrottle_dont_adjust_delay"] = True
