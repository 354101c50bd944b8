"""Scrapy's spider middlewares that see every page's output, each wrapping it in fewer async generators.

Every spider middleware with a `process_spider_output` wraps each page's output in one more async
generator, through which every request and item of the page passes (and Scrapy adds one of its own
around each). Scrapy's BaseSpiderMiddleware adds another, a shim warning of a deprecated `spider`
argument, and DepthMiddleware a third; StartSpiderMiddleware passes the pages' output through
untouched, as it only marks start requests. These are the same middlewares, doing the same to each
request and item, with one generator each (and none for the start requests' marker).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy.spidermiddlewares import depth, referer
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware


class StartRequestsMiddleware:
    """Scrapy's StartSpiderMiddleware: `is_start_request` set in the meta of each start request, and
    nothing done to the pages' output (so no generator around it)."""

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in start:
            if isinstance(output, Request):
                output.meta.setdefault("is_start_request", True)
            yield output


class _LeanOutput(BaseSpiderMiddleware):
    """BaseSpiderMiddleware's output methods, without the deprecation shim around them."""

    def _page(self, response: Response) -> None:
        """What a middleware does once per page, before its output (nothing here)."""

    def process_spider_output(self, response: Response | None, result: Iterable[Any]) -> Iterator[Any]:
        if response is not None:
            self._page(response)
        for o in result:
            if (o := self._get_processed(o, response)) is not None:
                yield o

    async def process_spider_output_async(
        self, response: Response | None, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        if response is not None:
            self._page(response)
        async for o in result:
            if (o := self._get_processed(o, response)) is not None:
                yield o


class RefererMiddleware(_LeanOutput, referer.RefererMiddleware):
    """Scrapy's RefererMiddleware (REFERER_ENABLED, REFERRER_POLICY), one generator per page."""


class DepthMiddleware(_LeanOutput, depth.DepthMiddleware):
    """Scrapy's DepthMiddleware (DEPTH_LIMIT, DEPTH_PRIORITY, DEPTH_STATS_VERBOSE), one generator per page."""

    def _page(self, response: Response) -> None:
        self._init_depth(response)
