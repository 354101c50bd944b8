"""Scrapy's ExecutionEngine, a response handed on through callbacks rather than Deferred generators.

For every request, Scrapy's engine waits for the download in `_download` and for the scrape in
`_handle_downloader_output`, both `inlineCallbacks` generators, and the Scraper's `enqueue_scrape`
is a third (crawler/scraper.py): each makes a Deferred of its own, a cancellation status and a
generator resumed through two more calls when the Deferred it waits for fires, to run a few lines
before and after. `LeanEngine` runs the same lines as callbacks of the Deferred waited for, in the
same order, with the same results, errors and log messages; a cancellation reaches the download's
Deferred as it did through the generator.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.core.engine import ExecutionEngine
from scrapy.http import Request, Response
from scrapy.utils.log import failure_to_exc_info, logformatter_adapter
from twisted.internet.defer import Deferred, maybeDeferred
from twisted.python.failure import Failure

logger = logging.getLogger("scrapy.core.engine")  # where Scrapy's engine logs


class LeanEngine(ExecutionEngine):
    """Scrapy's ExecutionEngine, its `_download` and `_handle_downloader_output` as callbacks (see the
    module docstring). It adds no state, so a Crawler's engine can be made one (crawler/run/crawler.py)."""

    def _download(self, request: Request) -> Deferred[Response | Request]:
        assert self._slot is not None  # typing
        assert self.spider is not None
        self._slot.add_request(request)
        # (a fetch that raises, or gives no Deferred, as the generator took them: maybeDeferred)
        if self._downloader_fetch_needs_spider:
            fetched = maybeDeferred(self.downloader.fetch, request, self.spider)
        else:
            fetched = maybeDeferred(self.downloader.fetch, request)
        return fetched.addCallback(self._downloaded, request).addBoth(self._schedule_next)

    def _downloaded(self, result: Any, request: Request) -> Response | Request:
        if not isinstance(result, (Response, Request)):
            raise TypeError(f"Incorrect type: expected Response or Request, got {type(result)}: {result!r}")
        if isinstance(result, Response):
            if result.request is None:
                result.request = request
            logkws = self.logformatter.crawled(result.request, result, self.spider)
            if logkws is not None:
                logger.log(*logformatter_adapter(logkws), extra={"spider": self.spider})
            self.signals.send_catch_log(
                signal=signals.response_received,
                response=result,
                request=result.request,
                spider=self.spider,
            )
        return result

    def _schedule_next(self, result: Any) -> Any:
        self._slot.nextcall.schedule()  # type: ignore[union-attr]
        return result

    def _handle_downloader_output(  # type: ignore[override]
        self, result: Request | Response | Failure, request: Request
    ) -> Deferred[None] | None:
        # downloader middleware can return requests (for example, redirects)
        if isinstance(result, Request):
            self.crawl(result)
            return None
        return maybeDeferred(self.scraper.enqueue_scrape, result, request).addErrback(self._enqueue_failed)

    def _enqueue_failed(self, failure: Failure) -> None:
        logger.error(
            "Error while enqueuing scrape",
            exc_info=failure_to_exc_info(failure),
            extra={"spider": self.spider},
        )
