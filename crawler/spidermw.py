"""Scrapy's spider middleware manager, without its exception-recovery wrappers where nothing recovers.

Scrapy passes a page's output (its items and requests) through every spider middleware's
`process_spider_output` and wraps each of their generators in one of its own, which hands an
exception raised beneath it to the `process_spider_exception` methods of the middlewares above; and
the whole in two chains that would carry what such a method gives back instead. Each object of a page
thus goes through about fifteen generators, ten of them Scrapy's. When no spider middleware has a
`process_spider_exception` (none of this crawler's has), these wrappers only pass the objects on, and
an exception on to the Scraper, which logs it and sends `spider_error` as before:
`LeanSpiderMiddlewareManager` then chains the middlewares' `process_spider_output` alone, in the same
order and with the same arguments. With any such method, the output is Scrapy's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.core.spidermw import SpiderMiddlewareManager
from scrapy.http import Response


class LeanSpiderMiddlewareManager(SpiderMiddlewareManager):
    """Scrapy's SpiderMiddlewareManager, its callback output unwrapped when no middleware recovers
    from exceptions (see the module docstring). It adds no state, so a Scraper's manager can be made
    one (crawler/run/crawler.py)."""

    async def _process_callback_output(self, response: Response, result: AsyncIterator[Any]) -> Any:
        if any(method is not None for method in self.methods["process_spider_exception"]):
            return await super()._process_callback_output(response, result)
        for method in self.methods["process_spider_output"]:
            if method is None:
                continue
            if method in self._mw_methods_requiring_spider:
                result = method(response=response, result=result, spider=self._spider)
            else:
                result = method(response=response, result=result)
        return result
