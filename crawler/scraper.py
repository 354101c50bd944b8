"""Scrapy's Scraper, handing a page's output on one object at a time when CONCURRENT_ITEMS is 1.

For every response, Scrapy's Scraper runs the output of the spider's callback (items and requests,
through the spider middlewares) through `_parallel_asyncio`: an asyncio queue filled by one task and
emptied by CONCURRENT_ITEMS others, so each object passes between two tasks through futures and loop
turns. With one at a time (crawler/settings.py sets CONCURRENT_ITEMS = 1: the store pipeline is
synchronous) that machinery orders nothing and costs ~5% of the crawler's CPU. `SequentialScraper`
reads the output and processes each object in the same order, in the response's own coroutine.
Any other CONCURRENT_ITEMS is Scrapy's.

Its `enqueue_scrape` waits for a response's scrape through callbacks of the scrape's Deferred, not as
an `inlineCallbacks` generator (see crawler/engine.py): the same lines, in the same order.

`LeanItemPipelineManager` (ITEM_PROCESSOR): Scrapy's ItemPipelineManager hands every item to each
pipeline's `process_item` through `ensure_awaitable`, formatting the method's name for a warning it
gives only about a Deferred and wrapping a plain result in a coroutine to await it; ours takes a result
that is no awaitable as it is (as crawler/downloader.py does for the downloader middlewares).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy.core.scraper import Scraper
from scrapy.http import Request, Response
from scrapy.pipelines import ItemPipelineManager
from scrapy.utils.defer import aiter_errback, ensure_awaitable, iter_errback
from scrapy.utils.log import failure_to_exc_info
from scrapy.utils.python import global_object_name
from twisted.internet.defer import Deferred, fail
from twisted.python.failure import Failure

logger = logging.getLogger("scrapy.core.scraper")  # where Scrapy's Scraper logs


class SequentialScraper(Scraper):
    """Scrapy's Scraper with a sequential `handle_spider_output_async` and `enqueue_scrape` as callbacks
    (see the module docstring). It adds no state, so an engine's Scraper can be made one
    (crawler/run/crawler.py)."""

    def enqueue_scrape(self, result: Response | Failure, request: Request) -> Deferred[None]:
        try:
            if self.slot is None:
                raise RuntimeError("Scraper slot not assigned")
            scraped = self.slot.add_response_request(result, request)
            self._scrape_next()
        except Exception:
            return fail()
        return scraped.addErrback(self._scrape_bug, request).addBoth(self._scraped, result, request)

    def _scrape_bug(self, failure: Failure, request: Request) -> None:
        logger.error(
            "Scraper bug processing %(request)s",
            {"request": request},
            exc_info=failure_to_exc_info(failure),
            extra={"spider": self.crawler.spider},
        )

    def _scraped(self, _: Any, result: Response | Failure, request: Request) -> None:
        assert self.slot is not None  # typing
        self.slot.finish_response(result, request)
        self._check_if_closing()
        self._scrape_next()

    async def handle_spider_output_async(
        self, result: Iterable[Any] | AsyncIterator[Any], request: Request, response: Response | Failure
    ) -> None:
        if self.concurrent_items != 1:
            await super().handle_spider_output_async(result, request, response)
        elif isinstance(result, AsyncIterator):
            async for output in aiter_errback(result, self.handle_spider_error, request, response):
                await self._process_spidermw_output_async(output, response)
        else:
            for output in iter_errback(result, self.handle_spider_error, request, response):
                await self._process_spidermw_output_async(output, response)


class LeanItemPipelineManager(ItemPipelineManager):
    """Scrapy's ItemPipelineManager, a pipeline's plain result taken as it is (see the module docstring)."""

    async def process_item_async(self, item: Any) -> Any:
        requiring_spider = self._mw_methods_requiring_spider
        for method in self.methods["process_item"]:
            assert method is not None
            result = method(item, self._spider) if method in requiring_spider else method(item)
            if isinstance(result, Deferred) or inspect.isawaitable(result):
                result = await ensure_awaitable(result, _warn=global_object_name(method))
            item = result
        return item
