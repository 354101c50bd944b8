"""Retries that wait: exponential backoff with jitter, and the server's own Retry-After when it sends one."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait according to a Retry-After header (delay-seconds or an HTTP date), None if absent."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def retry_delay(attempt: int, retry_after: float | None, backoff: float, cap: float) -> float | None:
    """How long to wait before retry number `attempt` (1, 2, ...), or None when the wait would exceed `cap`.

    The server's Retry-After wins when given: retrying earlier than asked is what gets crawlers banned,
    so a Retry-After beyond the cap means "give up", not "retry at the cap". Otherwise the wait is
    `backoff * 2**(attempt-1)` seconds, with ±50% jitter so that many failed requests do not return
    in step, and at most `cap`.
    """
    if retry_after is not None:
        return retry_after if retry_after <= cap else None
    return min(cap, backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS), waiting before a retry.

    The wait is `retry_delay()` with JCRAWL_RETRY_BACKOFF and JCRAWL_RETRY_MAX_DELAY. It is a timer on the
    reactor, not a sleep: other downloads go on while a request waits. A response that is not retried
    (retries used up, or a Retry-After beyond the cap) goes on to the spider, which records it in `errors`.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.backoff = crawler.settings.getfloat("JCRAWL_RETRY_BACKOFF")
        self.max_delay = crawler.settings.getfloat("JCRAWL_RETRY_MAX_DELAY")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        header = response.headers.get(b"Retry-After")
        retry_after = retry_after_seconds(header.decode("latin-1") if header else None)
        delay = retry_delay(request.meta.get("retry_times", 0) + 1, retry_after, self.backoff, self.max_delay)
        if delay is None:
            logger.warning(
                "Not retrying %s: Retry-After %.0f s is beyond JCRAWL_RETRY_MAX_DELAY (%.0f s)",
                request.url,
                retry_after,
                self.max_delay,
            )
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(delay)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            delay = retry_delay(retry.meta["retry_times"], None, self.backoff, self.max_delay)
            await self._wait(delay or 0.0)
        return retry

    @staticmethod
    async def _wait(seconds: float) -> None:
        # The running reactor; importing it when this module loads could install a default one.
        from twisted.internet import reactor

        await maybe_deferred_to_future(deferLater(reactor, seconds))
